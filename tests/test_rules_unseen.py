"""The rule families written for news nobody tuned the extractor for (issue 14), each on sentences
written for these tests about fictional people and countries: what a rule must find, and what it
must not. They run the real pipeline (the statistical model plus the rule components)."""
from __future__ import annotations

import datetime as dt

import pytest

from kg.read.articles import parse_seed_text
from kg.extract.dateline import find_dateline

DATE = "2024-03-14"   # a Thursday


@pytest.fixture(scope="module")
def run(extractor):
    def run(body: str, headline: str = "News", date: str = DATE):
        return extractor.extract(parse_seed_text(f" date {date} {headline}\n\n{body}", "t"))
    return run


def names(x, kind=None):
    return {n for e in x.entities if kind in (None, e.kind) for n in e.names}


def key(x, name):
    found = [e.key for e in x.entities if name in e.names]
    assert found, f"{name!r} not among {[e.names for e in x.entities]}"
    return found[0]


def posts(x):
    return {(p.person, p.role, p.organization) for p in x.posts}


def events(x, kind):
    return [sorted(a.entity for a in e.actors) for e in x.events if e.kind == kind and e.status == "happened"]


# ------------------------------------------------------------------ names

def test_title_case_headline_words_are_not_people(run):
    x = run("VELMAR – President Arman Dosov arrived in Ostrava on Tuesday. Dosov was welcomed by Prime "
            "Minister Lena Vosk.", headline="Velmarian President Pays Official Visit To Ostrava, Ministers Discuss Energy")
    assert "Arman Dosov" in names(x, "Person") and "Lena Vosk" in names(x, "Person")
    assert not names(x) & {"Pays Official Visit", "Ministers Discuss Energy", "Discuss Energy"}


def test_a_sentence_case_headline_keeps_its_names(run):
    x = run("Prime Minister Lena Vosk said the talks went well.", headline="Vosk meets Karst envoy Ivo Sand")
    assert "Ivo Sand" in names(x, "Person")


def test_a_title_or_a_state_fused_to_a_name_is_cut_off(run):
    x = run("The ceremony was attended by President of the Republic of Ostrava Milos Kerec, Head of State "
            "Arman Dosov and Prime Minister of Velmaria Jean-Luc Morvan.")
    assert {"Milos Kerec", "Arman Dosov", "Jean-Luc Morvan"} <= names(x, "Person")
    assert "Velmaria" in names(x, "Place") and {"Republic of Ostrava", "Ostrava"} & names(x, "Place")
    assert not names(x) & {"Republic of Ostrava Milos", "State", "Velmaria Jean-Luc Morvan"}


def test_an_organization_after_a_title_of_an_organization_stays_one(run):
    x = run("Secretary-General of Turksoy Sultan Raev opened the session. Raev thanked the hosts.")
    assert "Sultan Raev" in names(x, "Person")
    assert "Turksoy" in names(x, "Organization") and "Turksoy" not in names(x, "Place")


def test_a_minister_of_an_unknown_country_is_a_person_and_the_country_a_place(run):
    x = run("The Minister of Foreign Affairs of Zlatoria, Irena Kostova, arrived in Tavrin on Monday.")
    assert "Irena Kostova" in names(x, "Person") and "Zlatoria" in names(x, "Place")
    assert ("person:irena-kostova", "Minister of Foreign Affairs", None) in posts(x)


def test_an_unknown_country_is_known_by_its_adjective(run):
    x = run("Velmarian officials met in Tavrin. Velmaria and Karst share a border. The Ostravan delegation "
            "arrived from Ostrava.")
    assert {"Velmaria", "Ostrava"} <= names(x, "Place")
    assert not names(x) & {"Velmarian", "Ostravan", "Velmaria and Karst"}


def test_a_common_noun_alone_is_not_a_name_but_a_chamber_is(run):
    x = run("Delegates of the Coastal Cooperation Organization met in Tavrin. The Organization will hold its "
            "Summit in May. The Senate approved the budget.")
    assert "Coastal Cooperation Organization" in names(x, "Organization")
    assert not names(x) & {"Organization", "Summit"}
    assert "Senate" in names(x, "Organization")


def test_a_names_lower_case_tail_is_not_part_of_it(run):
    x = run("The Karst coast guard detained two trawlers near Skarholm island.")
    assert "Karst coast guard" not in names(x)


def test_news_outlets_by_their_site_name(run):
    x = run("According to the Dalanews.kz correspondent, the session ended late.")
    assert "Dalanews.kz" in names(x, "Organization")


@pytest.mark.parametrize("text, place, agency", [
    ("TAVRIN, June 5. /TASS/. The ministers met.", "TAVRIN", "TASS"),
    ("Al Rimah (DNA / DNA - 2024-03-05) - His Majesty spoke.", "Al Rimah", "DNA"),
    ("Tengrikent. April 12. DALA-INFORM – The council met.", "Tengrikent", "DALA-INFORM"),
    ("BISHKEK, October 22. KABAR - The President spoke.", "BISHKEK", "KABAR"),
    ("VELMAR, 14 March – Head of State Arman Dosov spoke.", "VELMAR", None),
    ("TAVRIN -- Officials said.", "TAVRIN", None),
    ("NUR-SULTAN, Kazakhstan – The volume grew.", "NUR-SULTAN", None),
])
def test_more_datelines(text, place, agency):
    d = find_dateline(text, 0)
    assert d is not None
    assert text[d.place[0]:d.place[1]] == place
    assert (text[d.agency[0]:d.agency[1]] if d.agency else None) == agency


@pytest.mark.parametrize("text", ["President Dosov, March 3 - the day of the vote.", "Karst – the country of lakes."])
def test_no_dateline_where_a_person_or_a_sentence_begins(text):
    assert find_dateline(text, 0) is None


def test_a_byline_is_not_part_of_the_name(run):
    x = run("By Claire Dumesnil, Staff Reporter\n\nMARISCA – The port reopened on Monday.")
    assert "Claire Dumesnil" in names(x, "Person") and "By Claire Dumesnil" not in names(x)


def test_a_surname_alone_means_the_namesake_named_last_before_it(run):
    x = run("Minister Nurlan Haddad met Hans Patel. Haddad said the talks went well. Later, Ambassador "
            "Karim Haddad joined them.")
    assert key(x, "Haddad") == "person:nurlan-haddad"
    assert "Karim Haddad" in names(x, "Person") and key(x, "Karim Haddad") != key(x, "Haddad")


# ------------------------------------------------------------------ posts

def test_stacked_and_coordinated_titles_are_both_held(run):
    x = run("Deputy Prime Minister – Minister of Foreign Affairs Lena Vosk met Prime Minister and Minister of "
            "Finance Pavel Lantsov.")
    p = posts(x)
    assert {("person:lena-vosk", "Deputy Prime Minister", None), ("person:lena-vosk", "Minister of Foreign Affairs", None),
            ("person:pavel-lantsov", "Prime Minister", None)} <= {(a, b, None) for a, b, _ in p}
    assert any(a == "person:pavel-lantsov" and b == "Minister of Finance" for a, b, _ in p)


def test_an_acronym_between_title_and_name(run):
    x = run("Secretary General of the Organization of Coastal States (OCS) Amir Haddad opened the summit.")
    org = key(x, "Organization of Coastal States")
    assert ("person:amir-haddad", "Secretary General", org) in posts(x)


def test_abbreviated_titles(run):
    x = run("Velmarian FM Oskar Brandtvik and PM Ingrid Solheim-Aas spoke to reporters.")
    assert {("person:oskar-brandtvik", "FM", None), ("person:ingrid-solheim-aas", "PM", None)} <= posts(x)


def test_a_portfolio_title_is_held_in_the_ministry_the_article_names(run):
    x = run("Minister of Energy Ondrej Vacek opened the plant. The Ministry of Energy will fund two more.")
    assert ("person:ondrej-vacek", "Minister of Energy", key(x, "Ministry of Energy")) in posts(x)


def test_no_ministry_named_no_organization(run):
    x = run("Minister of Energy Ondrej Vacek opened the plant.")
    assert ("person:ondrej-vacek", "Minister of Energy", None) in posts(x)


def test_unknown_portfolios_are_part_of_the_title(run):
    x = run("Minister of Oil and Gas Khalid Harthani and Minister of Territorial Administration Anne-Sophie "
            "Brielle met in Marisca.")
    assert {("person:khalid-harthani", "Minister of Oil and Gas", None),
            ("person:anne-sophie-brielle", "Minister of Territorial Administration", None)} <= posts(x)


def test_an_ambassador_holds_the_post_for_the_sending_country(run):
    x = run("Ambassador of Velmaria to Karst Ivo Sand and the Ostravan envoy met. Velmaria and Karst "
            "signed a protocol.")
    assert ("person:ivo-sand", "Ambassador", key(x, "Velmaria")) in posts(x)


def test_an_ambassador_of_an_unnamed_country_has_no_organization(run):
    x = run("Ambassador Ivo Sand presented his credentials.")
    assert ("person:ivo-sand", "Ambassador", None) in posts(x)


def test_a_possessive_qualifier_and_a_comma(run):
    x = run("Brandtvik called Karst's foreign minister, Dragan Mestrovic, on Monday.")
    assert any(p[0] == "person:dragan-mestrovic" and p[1].lower() == "foreign minister" for p in posts(x))


def test_who_heads_is_a_post_who_led_is_not(run):
    x = run("Marek Zarubin, who heads the Karst Anti-Corruption Commission, spoke. Gunnar Aasland, who led "
            "the Centre Alliance, was silent.")
    p = posts(x)
    assert ("person:marek-zarubin", "Head", key(x, "Karst Anti-Corruption Commission")) in p
    assert not any(a == "person:gunnar-aasland" for a, _, _ in p)


def test_former_posts_are_not_held(run):
    x = run("Former Prime Minister Gunnar Aasland and former Governor Ivo Sand attended.")
    assert not posts(x)


def test_on_his_appointment_as(run):
    x = run("President Arman Dosov congratulated Ivo Sand on his appointment as Governor of Varna Province.")
    assert any(p[0] == "person:ivo-sand" and p[1] == "Governor" for p in posts(x))
    assert events(x, "Appointment") == [["person:ivo-sand"]]


def test_without_someone_congratulated_his_appointment_is_nobodys(run):
    x = run("Lord Speaker Peter Fowler sent a letter conveying congratulations on her election as Speaker.")
    assert not any(p[0] == "person:peter-fowler" and p[1] == "Speaker" for p in posts(x))


# ------------------------------------------------------------------ events

def test_a_meeting_held_between(run):
    x = run("A meeting was held between President Arman Dosov and Prime Minister of Karst Ivo Sand.")
    assert ["person:arman-dosov", "person:ivo-sand"] in events(x, "Meeting")


def test_talks_were_held_between_in_a_place(run):
    x = run("Talks were held between Lena Vosk and Tomas Berg in Karst.")
    [m] = [e for e in x.events if e.kind == "Meeting"]
    assert sorted(a.entity for a in m.actors) == ["person:lena-vosk", "person:tomas-berg"]
    assert m.place == "place:karst"


def test_during_the_meeting_the_two_named_discussed(run):
    x = run("President Arman Dosov spoke at the forum. During the meeting, Oskar Brandtvik and Lena Vosk "
            "discussed trade.")
    assert ["person:lena-vosk", "person:oskar-brandtvik"] in events(x, "Meeting")


def test_views_exchanged_at_a_meeting(run):
    x = run("Foreign Minister Oskar Brandtvik exchanged views with Ambassador Daniel Rowe at a meeting in Velmar.")
    assert ["person:daniel-rowe", "person:oskar-brandtvik"] in events(x, "Meeting")


def test_phone_calls_made_and_phoned(run):
    x = run("President Arman Dosov made a phone call to President Milos Kerec. Lena Vosk phoned Ivo Sand.")
    calls = events(x, "PhoneCall")
    assert ["person:arman-dosov", "person:milos-kerec"] in calls and ["person:ivo-sand", "person:lena-vosk"] in calls


def test_calling_for_something_is_no_phone_call(run):
    x = run("Lena Vosk called for calm after the vote.")
    assert not events(x, "PhoneCall")


def test_the_appointed_not_the_appointer(run):
    x = run("President Henrik Aaltonen appointed Sigrid Holm as Minister of Defence and Erik Brandt as Minister "
            "of Justice. Maja Lind was reappointed Governor of the National Bank.")
    assert sorted(events(x, "Appointment")) == [["person:erik-brandt"], ["person:maja-lind"], ["person:sigrid-holm"]]
    assert ("person:sigrid-holm", "Minister of Defence", None) in posts(x)
    assert not any(a == "person:henrik-aaltonen" for e in x.events if e.kind == "Appointment" for a in
                   (x.entity(a.entity).key for a in e.actors))


def test_a_visit_told_in_a_fronted_phrase_and_what_happened_on_it(run):
    x = run("VELMAR, March 14 (VNA) - Within the framework of his visit to Karst, Oskar Brandtvik met with "
            "Mayor Tomas Berg.")
    [v] = [e for e in x.events if e.kind == "Visit"]
    assert [a.entity for a in v.actors] == ["person:oskar-brandtvik"] and v.place == "place:karst"
    [m] = [e for e in x.events if e.kind == "Meeting"]
    assert m.place == "place:karst"


def test_a_visit_to_a_capital_is_a_visit_to_the_capital(run):
    x = run("Prime Minister Lena Vosk paid an official visit to Ankara on Thursday.")
    [v] = [e for e in x.events if e.kind == "Visit"]
    assert v.place == "place:ankara"


def test_a_title_stands_for_the_person_named_with_it(run):
    x = run("Head of State Henrik Aaltonen opened the forum in Velmar.\n\nLater, the Head of State received "
            "Ambassador Karin Holt.")
    assert ["person:henrik-aaltonen", "person:karin-holt"] in events(x, "Meeting")


def test_of_two_presidents_the_president_is_the_one_the_story_names_most(extractor):
    from kg.extract.events import title_references

    def refs(body: str) -> list[tuple[str, str]]:
        doc = extractor.annotate(parse_seed_text(f" date {DATE} News\n\n{body}", "t"))
        return [(t.text, p.text) for t, p in title_references(doc).items()]
    assert refs("President Henrik Aaltonen met President Milos Kerec. Kerec said the talks went well. Kerec "
                "thanked his host.\n\nThe President received Ambassador Karin Holt.") == [("President", "Milos Kerec")]
    assert refs("President Henrik Aaltonen met President Milos Kerec.\n\nThe President received Ambassador "
                "Karin Holt.") == [("President", "Henrik Aaltonen")]
    assert refs("Ambassador Karin Holt arrived.\n\nThe President received Ambassador Karin Holt.") == []


def test_the_president_may_be_the_head_of_state_named_before(run):
    x = run("Head of State Kassym-Arman Dosov opened the council.\n\nThe President received Erik Lindqvist.")
    assert ["person:erik-lindqvist", "person:kassym-arman-dosov"] in events(x, "Meeting")


def test_background_history_is_not_an_event(run):
    x = run("Viktor Halas, who visited Tavrin in 2019, spoke on Thursday. In March last year, Minister Ivo Sand "
            "visited Ankara.")
    assert not [e for e in x.events if e.kind == "Visit"]


def test_a_visit_this_year_is_an_event(run):
    x = run("Minister Ivo Sand visited Ankara in 2024 for talks.")
    assert [e for e in x.events if e.kind == "Visit"]


def test_a_foreign_head_of_state_arriving_where_the_story_is_filed_visits(run):
    x = run("ANKARA -- Leaders arrived for the summit. Kazakh President Arman Dosov also arrived on Wednesday.")
    [v] = [e for e in x.events if e.kind == "Visit"]
    assert v.place == "place:ankara" and v.date == dt.date(2024, 3, 13)


def test_a_head_of_state_arriving_at_home_is_no_visit(run):
    x = run("ANKARA -- Turkish President Arman Dosov also arrived on Wednesday.")
    assert not [e for e in x.events if e.kind == "Visit"]


def test_last_week_happened_but_not_on_the_articles_date(run):
    x = run("Governor Ivo Sand was appointed last week by the President.")
    [a] = [e for e in x.events if e.kind == "Appointment"]
    assert a.date is None


def test_a_party_named_with_and_without_its_suffix_has_one_key(run):
    a = run("The Zhasyl Party won the vote in Tavrin, its leader Ivo Sand said.")
    b = run("Leaders of Zhasyl celebrated in Tavrin. The Zhasyl party took 40 seats.")
    assert key(a, "Zhasyl Party") == key(b, "Zhasyl") == "organization:zhasyl"


def test_lower_case_titles_that_name_their_body(run):
    x = run("Ivo Sand, chairman of the Karst Chamber of Commerce, said trade grew. The head of the Velmarian "
            "Space Agency, Lena Vosk, spoke. Tomas Berg, a member of the delegation, agreed.")
    p = posts(x)
    assert ("person:ivo-sand", "Chairman", key(x, "Karst Chamber of Commerce")) in p
    assert ("person:lena-vosk", "Head", key(x, "Velmarian Space Agency")) in p
    assert not any(a == "person:tomas-berg" for a, _, _ in p)


def test_remote_meetings_are_calls_and_welcoming_someone_a_meeting(run):
    x = run("Arman Dosov held talks with Tomas Berg via videoconference. Anna Holm and Milos Kerec met online "
            "on Monday. President Arman Dosov welcomed Prime Minister Lena Vosk at the airport. Vosk welcomed "
            "the decision.")
    calls = events(x, "PhoneCall")
    assert ["person:arman-dosov", "person:tomas-berg"] in calls and ["person:anna-holm", "person:milos-kerec"] in calls
    assert events(x, "Meeting") == [["person:arman-dosov", "person:lena-vosk"]]


def test_an_apposition_with_a_states_adjective(run):
    x = run("Ivo Sand, the Velmarian foreign minister, said trade with Velmaria's neighbours grew.")
    assert ("person:ivo-sand", "Foreign Minister", None) in posts(x)


def test_places_listed_before_a_plural_place_noun(run):
    x = run("New governors were named in Lusk, Morvik and Tarnow districts on Monday.")
    assert {"Lusk", "Morvik", "Tarnow"} <= names(x, "Place")


def test_abbreviations_and_press_services_are_not_organizations(run):
    x = run("GDP grew by 3%, the press service of the Velmarian Senate said. Addressing the Foreign Investors "
            "Council, Ivo Sand spoke.")
    assert not names(x) & {"GDP", "press service of the Velmarian Senate", "Addressing the Foreign Investors Council"}
    assert "Foreign Investors Council" in names(x, "Organization")


def test_a_lower_case_city_is_not_part_of_its_name_but_a_region_is(run):
    x = run("The session took place in Tarnow city, the capital of Lusk region.")
    assert "Tarnow" in names(x, "Place") and "Tarnow city" not in names(x)
    assert "Lusk region" in names(x, "Place")


def test_received_by_someone_is_a_meeting_they_host(run):
    x = run("Speaker Miroslava Dvornik arrived in Velmar. Later the Speaker was received by Prime Minister "
            "Annika Solberg-Ruud.")
    [m] = [e for e in x.events if e.kind == "Meeting"]
    assert [(a.entity, a.part) for a in m.actors] == [("person:annika-solberg-ruud", "host"),
                                                     ("person:miroslava-dvornik", "guest")]


def test_a_title_the_parser_made_the_subject_still_appoints_its_holder(run):
    x = run("Under a second decree, Deputy Prime Minister and Minister of Finance Hamdan bin Saeed Al Mazrawi "
            "was reappointed for a new term. The Emir congratulated him on his appointment.")
    assert events(x, "Appointment") == [["person:hamdan-bin-saeed-al-mazrawi"]]


def test_an_election_years_ago_is_history(run):
    x = run("Arman Dosov, who was first elected President in 2019, opened the session.", date="0000-00-00")
    assert not events(x, "Appointment")


def test_a_name_only_ever_at_or_in_is_a_place_and_him_is_not_the_congratulator(run):
    x = run("The new minister took the oath at Qasr Al Noor in the capital. The Emir Tarik Halden congratulated "
            "him on his appointment as Minister of Oil.")
    assert "Qasr Al Noor" in names(x, "Place")
    assert not events(x, "Appointment")


def test_a_meeting_chaired_by_two(run):
    x = run("A meeting of the border commissions of Velmaria and Karst, co-chaired by Deputy Prime Ministers "
            "Lena Vosk and Ivo Sand, took place in Tavrin.")
    [m] = [e for e in x.events if e.kind == "Meeting"]
    assert sorted(a.entity for a in m.actors) == ["person:ivo-sand", "person:lena-vosk"] and m.place == "place:tavrin"
