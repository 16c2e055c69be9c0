"""Keyboard access (issue 5, point 6): every visible control of every page is reached by Tab, in
document order, and shows where the focus is; the search → facet → dataset journey works with the
keyboard alone."""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from kg.sparql.examples import example
from tests.browser.pages import focused_description, log_in, result_total, results, tab_until, tab_walk
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("live_server")


@pytest.fixture(scope="module")
def landing_path(live_server: str) -> str:
    """A landing page that lists related datasets (so its related table is walked too)."""
    with urllib.request.urlopen(f"{live_server}/api/search?q=solar+irradiance&limit=10", timeout=120) as resp:
        hits = json.load(resp)["hits"]
    for hit in hits:
        path = urlsplit(hit["url"]).path
        with urllib.request.urlopen(live_server + path, timeout=60) as resp:
            if '<tr class="related">' in resp.read().decode():
                return path
    return urlsplit(hits[0]["url"]).path


def _mapping_set() -> str:
    """The first shipped mapping set (the server curates a copy of them)."""
    return sorted(p.name.removesuffix(".sssom.tsv") for p in (ROOT / "ontologies" / "mappings").glob("*.sssom.tsv"))[0]


PAGES = [
    pytest.param("/", False, id="home"),
    pytest.param("/search?q=solar+irradiance", False, id="search-results"),
    pytest.param("landing", False, id="dataset"),
    pytest.param("/source/nrel", False, id="source-quality"),
    pytest.param("/sparql", False, id="sparql"),
    pytest.param(
        "/sparql?format=html&query=" + quote(example("datasets-per-source").query), False, id="sparql-results"
    ),
    pytest.param("/login", False, id="login"),
    pytest.param("/curate", True, id="curate"),
    pytest.param("queue", True, id="curate-mapping-queue"),
    pytest.param("/curate/links", True, id="curate-links"),
]


@pytest.mark.parametrize(("path", "curator"), PAGES)
def test_tab_reaches_every_visible_control_in_order_with_visible_focus(  # type: ignore[no-untyped-def]
    page, shot, live_server: str, landing_path: str, path: str, curator: bool
) -> None:
    if curator:
        log_in(page)
    if path == "landing":
        path = landing_path
    elif path == "queue":
        path = f"/curate/{_mapping_set()}"
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    walk = tab_walk(page)
    shot("after-tabbing")
    assert len(walk.expected) > 3, walk.expected
    problems = walk.order_problems()
    assert not problems, "\n".join(problems)
    hidden = walk.invisible_focus()
    assert not hidden, f"focus is not visible on: {hidden}"


def test_search_and_facet_with_the_keyboard_alone(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search")
    is_query_box = "el => el.matches('input[type=search], [role=combobox], input[name=q]')"
    if not page.evaluate(f"({is_query_box})(document.activeElement)"):
        assert tab_until(page, is_query_box, limit=30), "Tab never reaches the search box"
    page.keyboard.type("solar irradiance measurements", delay=20)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    expect(results(page)).to_be_visible()
    shot("results")
    everything = result_total(page)

    in_facet = (
        "el => !!el.closest('aside, [role=complementary]') && (el.matches('a[href]') "
        "? !/^\\s*(All|Any|Clear)\\b/i.test(el.innerText) : el.matches('input[type=checkbox], input[type=radio]'))"
    )
    assert tab_until(page, in_facet, limit=60), "Tab never reaches a facet value in the Filters sidebar"
    chosen = focused_description(page)
    shot("facet-focused")
    before = page.url
    if page.evaluate("document.activeElement.matches('a[href]')"):
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked"), f"Space did not check {chosen!r}"
        try:  # a facet may submit as soon as it is checked; else Tab on to its Apply button
            page.wait_for_url(lambda url: url != before, timeout=500)
        except PlaywrightTimeout:
            is_apply = "el => el.matches('button, input[type=submit]') && /^\\s*Apply/i.test(el.innerText || el.value)"
            assert tab_until(page, is_apply, limit=80), "Tab never reaches the Apply button of the filters"
            shot("apply-focused")
            page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url != before)
    expect(results(page)).to_be_visible()
    shot("facet-applied")
    added = {k for k in parse_qs(urlsplit(page.url).query)} - {k for k in parse_qs(urlsplit(before).query)}
    assert added, f"choosing {chosen!r} with the keyboard did not filter (URL {page.url})"
    assert result_total(page) < everything

    first_hit = "el => el.matches('a[href*=\"/dataset/\"]') && !!el.closest('[aria-label=Results], section') && !!el.closest('h2, h3, h4')"
    assert tab_until(page, first_hit, limit=120), "Tab never reaches a result"
    title = focused_description(page).split(" ", 1)[1]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dataset/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    shot("dataset")
