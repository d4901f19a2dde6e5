"""The web page end to end, in a real headless browser: Debian's Chromium driven by Playwright.

The server runs in a thread on a free port. Without a browser (or without Playwright) these tests skip, with the
reason, unless ``TPMAP_REQUIRE_BROWSER=1`` is set (as CI does): then they fail, so they cannot be skipped
silently.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REQUIRED = os.environ.get("TPMAP_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for module in ("playwright.sync_api", "uvicorn", "starlette"):
        try:
            __import__(module)
        except ImportError:
            return f"{module.split('.')[0]} is not installed"
    if not CHROMIUM.is_file():
        return f"no browser at {CHROMIUM} (apt-get install chromium)"
    return None


_REASON = _missing()
if _REASON is not None:
    if REQUIRED:
        pytest.fail(f"TPMAP_REQUIRE_BROWSER=1 but the browser tests cannot run: {_REASON}", pytrace=False)
    pytest.skip(f"browser tests skipped: {_REASON}", allow_module_level=True)

import uvicorn  # noqa: E402  (after the check above)
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from tpmap.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app served by uvicorn in a thread, on a free port of this machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    # Playwright's waiting on a condition evaluates a string, which the page's policy forbids its own scripts;
    # test_the_page_works_under_its_content_security_policy runs with the policy in force
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(base_url)
    opened.wait_for_function("document.querySelector('#status').textContent.includes('Click where it hurts')")
    yield opened
    context.close()
    assert errors == [], f"the page's script failed: {errors}"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def ranking(page: Page) -> list[str]:
    """The candidates listed, with their probabilities, once the page has finished ranking."""
    page.wait_for_function("!document.querySelector('#results').classList.contains('stale')")
    return [" ".join((row.text_content() or "").split()) for row in page.locator("#results .cand-head").all()]


def heat(page: Page) -> dict[str, str]:
    """The body map's shapes that the heat map colours, by id."""
    fills: dict[str, str] = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('svg.bodymap .region')]"
        ".filter(s => s.style.fill).map(s => [s.id, s.style.fill]))"
    )
    return fills


def settled(page: Page, before: Any) -> None:
    """Wait until the ranking differs from ``before``."""
    deadline = time.monotonic() + 15
    while ranking(page) == before:
        assert time.monotonic() < deadline, "the ranking did not change"
        page.wait_for_timeout(100)


def test_clicking_regions_marks_them_and_re_ranks_with_a_heat_map_and_the_url(page: Page) -> None:
    assert ranking(page) == [] and heat(page) == {}
    elbow = page.locator("#front-lateral_elbow-right")
    elbow.click()
    page.wait_for_function("document.querySelectorAll('#candidates > li').length > 0")
    first = ranking(page)
    assert len(first) == 10 and "(right)" in first[0]
    assert query(page)["pain"] == ["lateral_elbow:right:"]
    assert "pain" in (elbow.get_attribute("class") or "") and elbow.get_attribute("aria-label") == (
        "Outside of the elbow, right: hurts"
    )
    page.wait_for_function("[...document.querySelectorAll('svg.bodymap .region')].some(s => s.style.fill)")
    hot = heat(page)
    assert "front-lateral_elbow-right" in hot and not any(key.endswith("-left") for key in hot)

    page.locator("#back-calf-right").click()  # a second place: the ranking and the heat map move
    settled(page, first)
    assert query(page)["pain"] == ["lateral_elbow:right:", "calf:right:"]
    page.wait_for_function("document.querySelector('#back-calf-right').style.fill !== ''")
    assert heat(page) != hot

    page.locator("#back-calf-right").click()  # again: does not hurt here
    assert query(page)["no"] == ["calf:right"] and "no" in (
        page.locator("#back-calf-right").get_attribute("class") or ""
    )
    page.locator("#back-calf-right").click()  # a third time: cleared
    assert "no" not in query(page) and query(page)["pain"] == ["lateral_elbow:right:"]


def test_a_sensation_per_place_and_the_side_of_the_report_go_into_the_report(page: Page) -> None:
    page.locator("#front-thumb-right").click()
    before = ranking(page) or ranking(page)
    page.get_by_role("button", name="tingling").first.click()
    settled(page, before)
    assert query(page)["pain"] == ["thumb:right:tingling"]
    page.locator("#side input[value=left]").check()
    assert query(page)["side"] == ["left"]


def test_typing_a_complaint_shows_its_reading_marks_the_chart_and_re_ranks(page: Page) -> None:
    page.locator("#complaint").fill("aching on the outside of my right elbow, worse when I grip, blah")
    page.wait_for_function("document.querySelectorAll('#reading mark').length >= 2")
    marks = [m.inner_text() for m in page.locator("#reading mark").all()]
    assert "outside of my right elbow" in marks and "grip" in marks
    assert page.locator("#reading .unused").inner_text() == "blah"
    page.wait_for_function("document.querySelector('#front-lateral_elbow-right').classList.contains('text-pain')")
    page.wait_for_function("document.querySelectorAll('#candidates > li').length > 0")
    assert "Outside of the elbow" not in page.locator("#places").inner_text()  # read, not clicked
    assert query(page)["text"] == ["aching on the outside of my right elbow, worse when I grip, blah"]
    assert any(name in ranking(page)[0] for name in ("Supinator", "Extensor carpi radialis", "Brachioradialis"))


def test_answering_a_next_question_adds_the_finding_and_re_ranks(page: Page) -> None:
    page.locator("#front-anterior_shoulder-right").click()
    page.locator("#front-lateral_upper_arm-right").click()
    page.wait_for_function("document.querySelectorAll('#questions button').length > 0")
    before, url = ranking(page), page.url
    question = page.locator("#questions li").first
    asked = question.locator("div").first.inner_text()
    question.locator("button").first.click()  # "yes"
    settled(page, before)
    assert page.url != url
    asked_now = [q.locator("div").first.inner_text() for q in page.locator("#questions li").all()]
    assert asked not in asked_now  # the answer is in the report, so the question is not asked again


def test_a_press_question_records_a_tender_spot(page: Page) -> None:
    page.locator("#front-anterior_shoulder-right").click()
    page.locator("#front-lateral_upper_arm-right").click()
    page.wait_for_function("document.querySelectorAll('#questions button').length > 0")
    before = ranking(page)
    page.get_by_role("button", name="Tender: reproduces the pain").first.click()
    settled(page, before)
    assert (
        query(page)["tender"][0].endswith(":right") and "tender when pressed" in page.locator("#findings").inner_text()
    )


def test_the_url_reproduces_the_report(page: Page) -> None:
    page.locator("#back-infrascapular-left").click()
    page.locator("#complaint").fill("tingling in my thumb")
    page.wait_for_function("document.querySelectorAll('#candidates > li').length > 0")
    page.wait_for_function("location.search.includes('text=')")
    first = ranking(page)
    copy = page.context.new_page()
    copy.goto(page.url)
    copy.wait_for_function("document.querySelectorAll('#candidates > li').length > 0")
    assert ranking(copy) == first
    assert copy.locator("#complaint").input_value() == "tingling in my thumb"
    assert "pain" in (copy.locator("#back-infrascapular-left").get_attribute("class") or "")
    copy.close()


def test_the_keyboard_marks_a_region_and_focus_is_visible(page: Page) -> None:
    region = page.locator("#front-jaw-right")
    region.focus()
    page.keyboard.press("Enter")
    assert query(page)["pain"] == ["jaw:right:"]
    outline = page.evaluate("getComputedStyle(document.activeElement).stroke")
    assert outline == "rgb(11, 87, 208)"  # the focus colour, not the shape's edge
    page.keyboard.press("Space")
    assert query(page)["no"] == ["jaw:right"]


def test_a_close_up_zooms_both_views(page: Page) -> None:
    page.locator("#zoom button[data-zoom=head]").click()
    front, back = (page.locator(f"#map-{view}").get_attribute("viewBox") for view in ("front", "back"))
    assert front != "0 0 300 640" and back != "0 0 300 640"
    page.locator("#front-temple-right").click()  # small regions can be clicked in the close-up
    assert query(page)["pain"] == ["temple:right:"]
    page.locator("#zoom button[data-zoom='']").click()
    assert page.locator("#map-front").get_attribute("viewBox") == "0 0 300 640"


def test_the_muscle_page_shows_its_chart_trigger_points_and_sources(page: Page) -> None:
    page.locator("#front-lateral_elbow-right").click()
    page.wait_for_function("document.querySelectorAll('#candidates .cand-name').length > 0")
    page.locator("#candidates .cand-name").first.click()
    dialog = page.locator("#muscle")
    dialog.locator(".chart > svg").wait_for()
    text = dialog.inner_text()
    assert "Trigger points and zones" in text and "essential zone:" in text and "Sources" in text
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_the_report_downloads_as_the_ranking_json(page: Page) -> None:
    page.locator("#front-lateral_elbow-right").click()
    page.wait_for_function("!document.querySelector('#download').disabled")
    with page.expect_download() as info:
        page.locator("#download").click()
    path = info.value.path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["output"] == "ranking" and data["query"]["sites"][0]["region"] == "lateral_elbow"


def test_a_contradiction_is_shown_and_nothing_breaks(page: Page) -> None:
    page.locator("#front-thumb-right").click()
    page.locator("#complaint").fill("my right hand does not hurt")
    page.wait_for_function("document.querySelector('#error').textContent.includes('Cannot rank')")
    assert "Hand" in page.locator("#error").inner_text()
    page.wait_for_function("document.querySelector('#front-palm-right').classList.contains('text-no')")
    assert page.locator("#download").is_disabled()  # nothing stale to download


def test_the_page_works_under_its_content_security_policy(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.goto(base_url)
    opened.locator("#front-lateral_elbow-right").click()
    opened.locator("#candidates > li").first.wait_for()
    opened.locator("#candidates > li .bar > span").first.wait_for()
    width = opened.locator("#candidates > li .bar > span").first.evaluate("span => span.style.width")
    assert width == "100%"  # the bar's inline style is allowed
    opened.locator("#front-lateral_elbow-right[style*=fill]").wait_for()  # the heat map is drawn
    context.close()
    assert problems == [], problems
