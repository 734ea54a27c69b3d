"""A person follows Linked Data in a real headless Chromium: person -> meeting -> article sentence."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

HIGHLIGHT = "rgb(255, 233, 138)"   # ld.css: the background of the sentence a URL points at


def test_person_to_meeting_to_the_highlighted_sentence(browser, live_server):
    browser.get(live_server + "/id/person/maulen-ashimbayev")
    assert browser.current_url.endswith("/doc/person/maulen-ashimbayev.html")       # after the 303
    assert browser.find_element(By.TAG_NAME, "h1").text == "Maulen Ashimbayev"

    meeting = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#events a.event-link")
                   if a.text.startswith("Meeting"))
    meeting.click()
    WebDriverWait(browser, 10).until(ec.url_contains("/doc/event/"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Meeting: Maulen Ashimbayev")
    parts = {li.text for li in browser.find_elements(By.CSS_SELECTOR, "#participants li")}
    assert "Maulen Ashimbayev host" in parts and "Sultan Raev guest" in parts
    quote = browser.find_element(By.CSS_SELECTOR, "#sources q.evidence").text

    browser.find_element(By.CSS_SELECTOR, "#sources a.source-article").click()
    WebDriverWait(browser, 10).until(ec.url_contains("/doc/article/"))
    assert "#char=" in browser.current_url                 # the fragment survived the 303
    target = WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.querySelector('.nif-text :target')"))
    assert "sentence" in target.get_attribute("class").split()
    assert target.get_attribute("id") == browser.current_url.split("#", 1)[1]
    assert " ".join(target.text.split()) == " ".join(quote.strip("“”\"").split())
    assert "Maulen Ashimbayev" in target.text and "Sultan Raev" in target.text
    style = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", target)
    assert style == HIGHLIGHT
    assert "highlight" in target.get_attribute("class").split()       # ld.js marked it too
    # the mentions inside it link to their entities
    names = {a.text: a.get_attribute("href") for a in target.find_elements(By.CSS_SELECTOR, "a.mention")}
    assert names["Maulen Ashimbayev"].endswith("/id/person/maulen-ashimbayev")
