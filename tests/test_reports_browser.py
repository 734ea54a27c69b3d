"""Reports in a real headless Chromium against a real `kg serve`: fill a report's form, run it, see
the table and the chart, download the CSV; save a new version from the browser with the token."""
from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import start_browser
from tests.conftest import start_server, stop_server
from tests.reports_support import disk_copy

BASE = "http://localhost:5000/"


@pytest.fixture(scope="module")
def server(seed_store, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports-browser")
    proc, url = start_server(disk_copy(seed_store, tmp / "store"), tmp / "serve.log")
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    driver = start_browser(download_dir=str(downloads))
    try:
        yield driver, downloads
    finally:
        driver.quit()


def _wait_for_file(folder: Path, name: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = folder / name
        if done.exists() and not list(folder.glob("*.crdownload")):
            return done
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded; {folder} holds {[p.name for p in folder.iterdir()]}")


def test_fill_a_report_form_run_it_see_a_chart_and_download_csv(server, chromium):
    driver, downloads = chromium
    driver.get(server + "/queries")
    driver.find_element(By.LINK_TEXT, "Posts a person held").click()
    field = driver.find_element(By.NAME, "person")
    field.clear()
    field.send_keys(BASE + "id/person/sultan-raev")
    driver.find_element(By.ID, "run").click()
    table = WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.ID, "results")))
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["role", "organization", "organizationLabel", "first", "last", "articles"]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert [r[0] for r in rows] == ["Secretary-General"]
    spans = driver.find_elements(By.CSS_SELECTOR, "#chart svg.chart-timeline rect.span")
    assert len(spans) == 1, "the timeline chart draws one bar per post"
    driver.find_element(By.ID, "csv").click()
    path = _wait_for_file(downloads, "posts_of_person.csv")
    with path.open(newline="") as f:
        got = list(csv.DictReader(f))
    assert [(r["role"], r["organizationLabel"]) for r in got] == [
        ("Secretary-General", "International Organization of Turkic Culture")]


def test_the_who_met_whom_network_view_draws_people_and_their_meetings(server, chromium):
    driver, _ = chromium
    driver.get(server + "/queries/who_met_whom/run?format=html")
    WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.chart-network")))
    labels = {t.text for t in driver.find_elements(By.CSS_SELECTOR, "svg.chart-network text.label")}
    assert labels == {"Maulen Ashimbayev", "Sultan Raev"}
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart-network line.edge")) == 1
    driver.get(server + "/queries/events_per_day/run?format=html")
    WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.chart-line")))
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart-line circle.point")) == 1


def test_save_a_new_version_from_the_browser_with_the_token(server, chromium):
    driver, _ = chromium
    driver.get(server + "/queries/meetings_of_person")
    driver.find_element(By.CSS_SELECTOR, "details.save summary").click()
    form = driver.find_element(By.CSS_SELECTOR, "form.save-report")
    text = form.find_element(By.NAME, "text")
    source = text.get_property("value")
    text.clear()
    text.send_keys(source.replace("Meetings of a person", "Meetings and calls of a person"))
    form.find_element(By.NAME, "token").send_keys("wrong-token")
    form.find_element(By.NAME, "save").click()
    message = form.find_element(By.CSS_SELECTOR, ".message")
    WebDriverWait(driver, 20).until(lambda d: "401" in message.text)
    token = form.find_element(By.NAME, "token")
    token.clear()
    token.send_keys("test-token")
    form.find_element(By.NAME, "save").click()
    link = WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.ID, "saved-version")))
    assert link.get_attribute("href").endswith("/queries/meetings_of_person/versions/2")
    driver.get(server + "/queries/meetings_of_person")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Meetings and calls of a person"
    driver.get(server + "/queries/meetings_of_person/versions/1")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Meetings of a person"
