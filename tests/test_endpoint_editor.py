"""The browser query editor in a real headless Chromium: YASGUI when installed, the plain form otherwise."""
from __future__ import annotations


import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import start_server, stop_server

QUERY = "SELECT ?l WHERE { ?p a foaf:Person ; rdfs:label ?l } ORDER BY ?l"


def wait(browser, seconds=20):
    return WebDriverWait(browser, seconds)


def test_yasgui_types_a_query_runs_it_and_shows_the_rows(browser, live_server):
    browser.get(live_server + "/sparql")
    editor = browser.find_element(By.CSS_SELECTOR, ".query-editor")
    assert editor.get_attribute("data-editor") == "yasgui", "YASGUI is not installed: run scripts/setup (npm ci)"
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror").click()
    area = browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror textarea")
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(QUERY)
    typed = browser.execute_script("return window.ngYasgui.getTab().getQuery()")
    assert "SELECT ?l WHERE" in typed and "PREFIX foaf: <http://xmlns.com/foaf/0.1/>" in typed  # prefixes added
    keywords = browser.execute_script(
        "return Array.from(document.querySelectorAll('.yasqe .CodeMirror .cm-keyword')).map(e => e.textContent)")
    assert "SELECT" in keywords and "WHERE" in keywords  # syntax highlighting
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows_js = "return Array.from(document.querySelectorAll('.yasr table tbody tr')).map(r => r.innerText)"
    rows = wait(browser).until(lambda b: (lambda rs: rs if len(rs) >= 2 else None)(b.execute_script(rows_js)))
    assert any("Maulen Ashimbayev" in r for r in rows) and any("Sultan Raev" in r for r in rows)


def test_yasgui_offers_the_canned_queries_as_examples(browser, live_server):
    browser.get(live_server + "/sparql")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    select = Select(browser.find_element(By.ID, "ng-examples"))
    titles = [o.text for o in select.options]
    assert "Who met whom" in titles
    select.select_by_visible_text("Who met whom")
    query = browser.execute_script("return window.ngYasgui.getTab().getQuery()")
    assert "#+ summary: Who met whom" in query


def test_home_page_offers_the_editor(browser, live_server):
    browser.get(live_server + "/")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    assert browser.find_element(By.CSS_SELECTOR, ".query-editor").get_attribute("data-editor") == "yasgui"


@pytest.fixture(scope="module")
def server_without_yasgui(private_store_path, tmp_path_factory):
    log = tmp_path_factory.mktemp("plain") / "serve.log"
    proc, url = start_server(private_store_path, log, {"KG_YASGUI_DIR": str(log.parent / "no-node-here")})
    try:
        yield url
    finally:
        stop_server(proc)


def test_without_node_the_plain_editor_still_works(browser, server_without_yasgui):
    browser.get(server_without_yasgui + "/sparql")
    assert browser.find_element(By.CSS_SELECTOR, ".query-editor").get_attribute("data-editor") == "plain"
    assert not browser.find_elements(By.CSS_SELECTOR, "script[src*=yasgui]")
    Select(browser.find_element(By.ID, "ng-examples")).select_by_visible_text("Who met whom")
    area = browser.find_element(By.CSS_SELECTOR, "#plain-editor textarea")
    assert "Who met whom" in area.get_attribute("value")
    area.clear()
    area.send_keys(QUERY)
    browser.find_element(By.CSS_SELECTOR, "#plain-editor button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.results tbody tr")))
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table.results tbody td")]
    assert "Maulen Ashimbayev" in cells and "Sultan Raev" in cells
