"""A synthetic news corpus in the seed format, for benchmarks and long-running ingest tests.

Every article is a wire-service story written from templates: a dateline ("ASTANA. KAZINFORM -"),
people with titles and organizations, a meeting, call, visit, appointment, signing or statement,
dates, quotes and the background paragraphs real wires pad their stories with. Names are drawn
from lists of common given names and surnames of several regions, so spaCy sees text of the kind
and length (about 250-450 words) it meets in production. The same seed gives the same corpus.

    python bench/corpus.py --articles 2000 --out /tmp/corpus        # one .txt file per article
    python bench/corpus.py --articles 2000 --out /tmp/corpus.jsonl  # JSON Lines
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GIVEN = ("Aibek Almas Amina Anar Arman Askar Aigerim Batyr Bakhyt Dana Daniyar Dilnoza Erlan Farida "
         "Gulnara Ilyas Kamila Kanat Laura Madina Marat Nurlan Olzhas Rustam Saule Serik Timur Yerlan "
         "Zarina Javier Lucia Mateo Sofia Carlos Elena Pedro Ana Tomas Ines Hans Greta Lukas Anna Jonas "
         "Katrin Pierre Claire Louis Camille Giulia Marco Luca Chiara Akira Yuki Haruto Sakura Min-jun "
         "Ji-woo Wei Mei Chen Li Kwame Amara Chinedu Ngozi Tunde Fatima Omar Leila Karim Yasmin Rashid "
         "Nadia Priya Arjun Ravi Sunita Vikram Olga Dmitri Irina Sergei Natalia Andrei Mehmet Ayse "
         "Emre Zeynep").split()
SURNAMES = ("Abenov Akhmetov Baimukhanov Dzhaksybekov Ermekov Iskakov Kassymov Mukanov Nurpeisov "
            "Omarov Sadykov Tokayev Zhumabekov Karimova Rakhimov Yusupov Tashkentov Alimov Garcia "
            "Fernandez Lopez Martinez Rodrigues Silva Costa Mendes Schneider Fischer Weber Hoffmann "
            "Becker Dubois Moreau Laurent Lefebvre Rossi Bianchi Romano Ferrari Tanaka Suzuki Watanabe "
            "Kim Park Lee Wang Zhang Liu Mensah Okafor Adeyemi Nwosu Haddad Khalil Mansour Sharma Patel "
            "Gupta Iyer Ivanov Petrova Sokolov Volkova Yilmaz Demir Kaya Celik Novak Horvat Kowalski "
            "Nowak Andersen Lindqvist Virtanen Papadopoulos").split()
# (country, capital, adjective, wire agency)
COUNTRIES = (
    ("Kazakhstan", "Astana", "Kazakh", "KAZINFORM"), ("Kyrgyzstan", "Bishkek", "Kyrgyz", "KABAR"),
    ("Uzbekistan", "Tashkent", "Uzbek", "UZA"), ("Tajikistan", "Dushanbe", "Tajik", "KHOVAR"),
    ("Turkmenistan", "Ashgabat", "Turkmen", "TDH"), ("Mongolia", "Ulaanbaatar", "Mongolian", "MONTSAME"),
    ("Azerbaijan", "Baku", "Azerbaijani", "AZERTAC"), ("Turkey", "Ankara", "Turkish", "AA"),
    ("Germany", "Berlin", "German", "DPA"), ("France", "Paris", "French", "AFP"),
    ("Italy", "Rome", "Italian", "ANSA"), ("Spain", "Madrid", "Spanish", "EFE"),
    ("Portugal", "Lisbon", "Portuguese", "LUSA"), ("Japan", "Tokyo", "Japanese", "KYODO"),
    ("South Korea", "Seoul", "South Korean", "YONHAP"), ("Kenya", "Nairobi", "Kenyan", "KNA"),
    ("Nigeria", "Abuja", "Nigerian", "NAN"), ("India", "New Delhi", "Indian", "PTI"),
    ("Egypt", "Cairo", "Egyptian", "MENA"), ("Poland", "Warsaw", "Polish", "PAP"),
)
MINISTRIES = ("Foreign Affairs", "Energy", "Finance", "Agriculture", "Education", "Health", "Trade",
              "Culture", "Transport", "Digital Development", "Justice", "Defence")
INTERNATIONAL = (
    ("the International Organization of Turkic Culture", "Turksoy", "Secretary-General"),
    ("the Atlantic Fisheries Organization", "AFO", "Secretary-General"),
    ("the Eurasian Development Bank", "EDB", "Chairman"),
    ("the Organization of Turkic States", "OTS", "Secretary-General"),
    ("the Caspian Energy Council", "CEC", "Executive Director"),
    ("the Central Asian Water Commission", "CAWC", "Chairman"),
    ("the Silk Road Chamber of Commerce", "SRCC", "President"),
    ("the Asian Forum for Digital Trade", "AFDT", "Director General"),
)
TOPICS = ("trade and investment", "transport corridors", "energy security", "water management",
          "cooperation in higher education", "digital transformation", "cultural exchanges",
          "agricultural exports", "tourism", "regional security", "climate adaptation",
          "public health", "the supply of fertilizers", "rail links", "green hydrogen projects")
DOCUMENTS = ("a memorandum of understanding on cooperation in {t}", "an agreement on {t}",
             "a roadmap for cooperation in {t}", "a protocol on {t}")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FILLER = (
    "The sides noted the positive dynamics of bilateral relations and expressed interest in expanding "
    "contacts in {t}.",
    "Particular attention was paid to the implementation of agreements reached at the highest level.",
    "Trade turnover between the two countries grew by {p} percent last year, according to official "
    "statistics.",
    "The parties also exchanged views on the regional agenda and on preparations for upcoming "
    "multilateral events.",
    "Experts expect the new arrangements to reduce costs for exporters and to shorten delivery times.",
    "The meeting was attended by heads of relevant ministries and agencies of both countries.",
    "Earlier this year, the two governments set up a joint working group on {t}.",
    "The next round of consultations is expected to take place in the second half of the year.",
    "Both delegations underlined the importance of direct contacts between business communities.",
    "According to the press service, a number of joint projects worth over {m} million dollars are "
    "under consideration.",
    "Officials said the first shipments under the new scheme could begin within {p} months.",
    "The talks continued over a working lunch, where the sides discussed investment in {t}.",
    "Analysts in the region have long argued that closer ties in {t} would benefit both economies.",
    "A joint statement is expected to be published after the consultations are concluded.",
    "The government plans to present a detailed programme on {t} to parliament before the end of the year.",
    "Several private companies have already expressed interest in taking part in the projects.",
)


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    org: str          # the organization as written after the title ("of the Senate of Kazakhstan")
    country: tuple[str, str, str, str]

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    date: dt.date
    headline: str
    body: str
    spellings: tuple[tuple[int, str], ...] = ()   # (cast member, full name as written), with variants

    def seed_text(self) -> str:
        """The article in the seed format: `` date YYYY-MM-DD headline``, a blank line, the body."""
        return f" date {self.date.isoformat()} {self.headline}\n\n{self.body}\n"

    def json_record(self) -> dict[str, str]:
        return {"id": self.id, "date": self.date.isoformat(), "headline": self.headline, "text": self.body}


class CorpusGenerator:
    """Writes plausible wire stories; ``random.Random(seed)`` makes every corpus reproducible."""

    def __init__(self, seed: int = 42, variants: bool = False) -> None:
        self.rng = random.Random(seed)
        # a recurring cast: the same people appear in many articles, as in a real archive
        self.cast = [self._person() for _ in range(400)]
        # with variants, an article writes a person's name in one of its romanisations (a rng of
        # its own: the corpus is otherwise the one the seed gives without variants)
        self.variants = random.Random(seed + 1) if variants else None
        self._spelled: list[tuple[int, str]] = []

    def _spell(self, p: Person) -> Person:
        """``p`` as this article writes them: the usual spelling, or (two times in five) a variant."""
        if self.variants is None:
            return p
        cast = self.cast.index(p)
        forms = romanisations(p.name)
        name = p.name if self.variants.random() < 0.6 or len(forms) == 1 else self.variants.choice(forms[1:])
        self._spelled.append((cast, name))
        return Person(name, p.title, p.org, p.country)

    def _person(self) -> Person:
        r = self.rng
        country = r.choice(COUNTRIES)
        name = f"{r.choice(GIVEN)} {r.choice(SURNAMES)}"
        kind = r.random()
        if kind < 0.3:
            ministry = r.choice(MINISTRIES)
            return Person(name, "Minister", f"of {ministry} of {country[0]}", country)
        if kind < 0.45:
            return Person(name, "Deputy Minister", f"of {r.choice(MINISTRIES)} of {country[0]}", country)
        if kind < 0.6:
            org, _, title = r.choice(INTERNATIONAL)
            return Person(name, title, f"of {org}", country)
        if kind < 0.7:
            return Person(name, "Chairman", f"of the Senate of {country[0]}", country)
        if kind < 0.8:
            return Person(name, "Ambassador", f"of {country[0]}", country)
        if kind < 0.9:
            return Person(name, "Governor", f"of the {r.choice(('Central', 'Northern', 'Southern', 'Eastern'))} "
                          f"Region of {country[0]}", country)
        return Person(name, "President", f"of {country[0]}", country)

    def _date(self) -> dt.date:
        return dt.date(2015, 1, 1) + dt.timedelta(days=self.rng.randrange(3650))

    def _filler(self, n: int) -> list[str]:
        r = self.rng
        return [s.format(t=r.choice(TOPICS), p=r.randrange(3, 40), m=r.randrange(5, 900))
                for s in r.sample(FILLER, n)]

    def _background(self, a: Person, b: Person) -> str:
        r = self.rng
        c = r.choice(self.cast)
        c = a if c == a else b if c == b else self._spell(c)
        year = r.randrange(1992, 2015)
        return (f"{a.country[0]} and {b.country[0]} established diplomatic relations in {year}. "
                f"Since then, the two countries have signed more than {r.randrange(10, 120)} documents. "
                f"In {r.choice(('March', 'May', 'October', 'December'))} last year, {c.title} {c.org} "
                f"{c.name} also visited {b.country[1]}, where {c.surname} discussed {r.choice(TOPICS)}.")

    def article(self, number: int) -> SyntheticArticle:
        r = self.rng
        a, b = r.sample(self.cast, 2)
        self._spelled = []
        a, b = self._spell(a), self._spell(b)
        date = self._date()
        place = r.choice((a.country, b.country))
        dateline = f"{place[1].upper()}. {place[3]} -"
        topic = r.choice(TOPICS)
        weekday = WEEKDAYS[date.weekday()]
        kind = r.choice(("meeting", "meeting", "call", "visit", "signing", "appointment", "statement"))
        if kind == "meeting":
            headline = f"{a.title} {a.name} meets {b.title} {b.surname}"
            lead = (f"{dateline} {a.title} {a.org} {a.name} held a meeting with the {b.title} {b.org} "
                    f"{b.name} in {place[1]} on {weekday}, the press service reports.")
            second = f"{a.surname} and {b.surname} discussed {topic} and {r.choice(TOPICS)}."
        elif kind == "call":
            headline = f"{a.name} and {b.name} hold phone talks"
            lead = (f"{dateline} {a.title} {a.org} {a.name} had a telephone conversation with "
                    f"{b.title} {b.org} {b.name} on {weekday}.")
            second = f"The two officials discussed {topic} and the schedule of upcoming contacts."
        elif kind == "visit":
            headline = f"{a.title} {a.name} visits {b.country[0]}"
            lead = (f"{b.country[1].upper()}. {b.country[3]} - {a.title} {a.org} {a.name} arrived in "
                    f"{b.country[0]} on an official visit on {weekday}.")
            second = f"{a.surname} held talks with {b.title} {b.org} {b.name} on {topic}."
        elif kind == "signing":
            doc = r.choice(DOCUMENTS).format(t=topic)
            headline = f"{a.country[0]} and {b.country[0]} sign {doc.split(' on ')[0].removeprefix('a ').removeprefix('an ')}"
            lead = (f"{dateline} {a.title} {a.org} {a.name} and {b.title} {b.org} {b.name} signed "
                    f"{doc} in {place[1]} on {weekday}.")
            second = f"The document was signed following talks between {a.surname} and {b.surname}."
        elif kind == "appointment":
            ministry = r.choice(MINISTRIES)
            headline = f"{a.name} appointed Deputy Minister of {ministry}"
            lead = (f"{a.country[1].upper()}. {a.country[3]} - {a.name} has been appointed as the Deputy "
                    f"Minister of {ministry} of {a.country[0]}, the press service of the Government reports.")
            second = (f"Prior to the appointment, {a.surname} headed the Department of {r.choice(TOPICS).title()} "
                      f"of the Ministry of {ministry}.")
        else:
            headline = f"{a.title} {a.name} comments on {topic}"
            lead = (f"{dateline} {a.title} {a.org} {a.name} made a statement on {topic} at a briefing "
                    f"in {place[1]} on {weekday}.")
            second = f"{a.surname} also commented on recent talks with {b.title} {b.name}."
        quote = (f"«We intend to strengthen our cooperation in {topic} and to bring it to a new level,» "
                 f"said {a.surname}.")
        paragraphs = [lead, second, quote, " ".join(self._filler(r.randrange(2, 5))),
                      self._background(a, b), " ".join(self._filler(r.randrange(2, 5)))]
        if r.random() < 0.5:
            paragraphs.append(f"{b.surname} invited {a.surname} to take part in the forum on {r.choice(TOPICS)} "
                              f"in {b.country[1]} next year.")
        paragraphs.append(" ".join(self._filler(r.randrange(2, 4))))
        return SyntheticArticle(f"syn{number:06d}", date, headline, "\n\n".join(paragraphs), tuple(self._spelled))

    def articles(self, n: int, start: int = 0) -> Iterator[SyntheticArticle]:
        for i in range(start, start + n):
            yield self.article(i)


#: how one Cyrillic-script name reaches English news romanised differently (each pair: a spelling
#: and another one for it): the differences kg.names.variant_key folds
_ROMANISE = (("Dzh", "J"), ("dzh", "j"), ("Zh", "J"), ("zh", "j"), ("kh", "h"), ("Kh", "H"), ("ss", "s"),
             ("yev", "ev"), ("Ye", "E"), ("iy ", "i "), ("ei ", "ey "), ("-", ""))


def romanisations(name: str) -> list[str]:
    """``name`` first, then the other spellings one or two of the changes above give it."""
    padded = name + " "
    singles = [padded.replace(a, b, 1) for a, b in _ROMANISE if a in padded]
    doubles = [s.replace(a, b, 1) for s in singles for a, b in _ROMANISE if a in s]
    out = [name]
    for s in singles + doubles:
        s = s.strip()
        if s not in out:
            out.append(s)
    return out


def write_corpus(out: Path, n: int, seed: int = 42) -> Path:
    """Write ``n`` articles: one ``.txt`` per article into a folder, or one ``.jsonl`` file."""
    out = Path(out)
    gen = CorpusGenerator(seed)
    if out.suffix == ".jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            for a in gen.articles(n):
                fh.write(json.dumps(a.json_record(), ensure_ascii=False) + "\n")
        return out
    out.mkdir(parents=True, exist_ok=True)
    for a in gen.articles(n):
        (out / f"{a.id}.txt").write_text(a.seed_text(), encoding="utf-8")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", "-n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", "-o", type=Path, required=True, help="a folder, or a file ending in .jsonl")
    args = p.parse_args()
    print(write_corpus(args.out, args.articles, args.seed))


if __name__ == "__main__":
    main()
