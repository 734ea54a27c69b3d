"""The home page in a real headless Chromium against the real server."""
from __future__ import annotations


def test_home_page_in_chromium_shows_counts_and_follows_a_link(browser, live_server):
    browser.get(live_server + "/")
    counts = {el.get_attribute("data-count"): int(el.text) for el in browser.find_elements("css selector", "[data-count]")}
    assert counts["articles"] == 1 and counts["people"] >= 2
    browser.find_element("link text", "Maulen Ashimbayev").click()
    assert browser.find_element("tag name", "h1").text == "Maulen Ashimbayev"
