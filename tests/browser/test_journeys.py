"""The user journeys of issue 5 (point 6) in a real browser, on a live server over real records.

* researcher: search, apply a facet, open a dataset, follow a related link, come back;
* steward: pick an example SPARQL query, run it, see the rows;
* curator: log in, accept a related-dataset link, see it accepted on the landing page and in SPARQL.

Elements are found by role and accessible name, as a screen-reader user finds them, so the tests
keep working as the pages grow (a facet may be links or checkboxes, an example a link or, once
the editor has loaded, a button). Each test is written the way the finished feature must behave:
where a page does not do it yet, the test fails and its message says what is missing.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from kg.sparql.examples import example
from tests.browser.pages import (
    CURATOR,
    TIMEOUT_MS,
    count_in,
    facet_choices,
    facet_group,
    filters,
    log_in,
    result_total,
    results,
)

pytestmark = pytest.mark.usefixtures("live_server")

QUERY = "solar irradiance measurements"
NREL = "National Renewable Energy Laboratory"
RELATED = re.compile(r"^Related datasets", re.I)
CW = "https://w3id.org/crosswalk/ns#"


def _search_box(page):  # type: ignore[no-untyped-def]
    """The query box: a searchbox today, a combobox once autocomplete lands (either is fine here)."""
    box = page.get_by_role("combobox", name="Search datasets")
    return box if box.count() else page.get_by_role("searchbox", name="Search datasets")


def _search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search")
    box = _search_box(page)
    box.fill(query)
    box.press("Enter")
    expect(results(page)).to_be_visible()


def _choose(page, group, name: re.Pattern[str] | str | None = None) -> tuple[str, int | None]:  # type: ignore[no-untyped-def]
    """Choose one value of a facet (a link, or a checkbox the page submits) and wait for the
    filtered page. Returns the value's text and the count it showed beside it."""
    choice = facet_choices(group, name).first
    if not choice.is_visible():  # a value past the first few, under "N more"
        group.locator("details:not([open]) > summary").first.click()
    expect(choice).to_be_visible()
    is_link = choice.evaluate("e => e.tagName === 'A'")
    label = (
        choice.inner_text()
        if is_link
        else choice.evaluate("e => e.labels && e.labels[0] ? e.labels[0].innerText : e.value")
    )
    # the count may sit beside the link, in the same list item
    item_text = choice.evaluate("e => (e.closest('li, label, tr') || e.parentElement).innerText")
    before = page.url
    if is_link:
        choice.click()
    else:
        choice.check()
        apply = filters(page).get_by_role("button", name=re.compile(r"^Apply", re.I))
        try:  # a facet may submit as soon as it is checked; else its Apply button does
            page.wait_for_url(lambda url: url != before, timeout=500 if apply.count() else TIMEOUT_MS)
        except PlaywrightTimeout:
            apply.first.click()
    page.wait_for_url(lambda url: url != before)
    expect(results(page)).to_be_visible()
    return label.strip(), count_in(item_text)


def _hit_links(page):  # type: ignore[no-untyped-def]
    """The title links of the hits, in rank order."""
    return results(page).get_by_role("heading").get_by_role("link")


def _related_links(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name=RELATED).locator("a[href*='/dataset/']")


def test_researcher_searches_filters_opens_follows_a_related_link_and_comes_back(page, shot) -> None:  # type: ignore[no-untyped-def]
    _search(page, QUERY)
    shot("results")
    everything = result_total(page)
    assert everything > 0 and _hit_links(page).count() > 0

    label, count = _choose(page, facet_group(page, re.compile(r"^Publisher", re.I)), name=NREL)
    shot("publisher-facet")
    assert NREL in label
    filtered = result_total(page)
    assert 0 < filtered < everything, (filtered, everything)
    assert count is None or filtered == count, f"the facet said {count} datasets, the results say {filtered}"
    hits = _hit_links(page)
    cards = results(page).get_by_role("listitem").filter(has=page.get_by_role("heading"))
    others = [t.split("\n", 1)[0] for t in cards.all_inner_texts() if NREL not in t]
    assert cards.count() == hits.count() and not others, f"hits from another publisher are still listed: {others}"
    search_url = page.url

    # Open hits in rank order until one lists related datasets (most do), as a reader would.
    for i in range(min(5, hits.count())):
        title = hits.nth(i).inner_text().strip()
        hits.nth(i).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if _related_links(page).count():
            break
        page.go_back()
        expect(results(page)).to_be_visible()
    else:
        pytest.fail(f"none of the first hits for {QUERY!r} from {NREL} lists a related dataset")
    shot("landing-page")
    first_url = page.url

    link = _related_links(page).first
    other = link.inner_text().strip()
    link.click()
    page.wait_for_url(lambda url: url != first_url)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    assert heading.inner_text().strip() in other, (heading.inner_text(), other)
    shot("related-dataset")

    page.go_back()
    assert page.url == first_url
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("region", name=RELATED)).to_be_visible()
    shot("back-to-first-dataset")

    page.go_back()
    assert page.url == search_url
    assert parse_qs(urlsplit(page.url).query).get("publisher") == [NREL] or NREL in page.url
    assert result_total(page) == filtered
    expect(_search_box(page)).to_have_value(QUERY)
    shot("back-to-results")


def test_search_box_suggests_as_you_type(page, shot) -> None:  # type: ignore[no-untyped-def]
    """Autocomplete (WAI-ARIA combobox pattern): suggestions appear while typing, the arrow keys
    move through them, Enter takes one."""
    page.goto("/search")
    box = page.get_by_role("combobox", name="Search datasets")
    expect(box, "the search box is not an ARIA combobox: waiting for autocomplete").to_be_visible(timeout=3_000)
    box.press_sequentially("solar", delay=60)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    shot("suggestions")
    assert all("solar" in t.lower() for t in options.all_inner_texts()), options.all_inner_texts()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press_sequentially(" r", delay=60)
    expect(listbox).to_be_visible()
    expect(options.first).to_contain_text(re.compile(r"^solar r", re.I))

    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active, "ArrowDown does not make a suggestion active (aria-activedescendant)"
    chosen = page.locator(f"[id='{active}']")
    expect(chosen).to_have_attribute("aria-selected", "true")
    text = chosen.inner_text().strip().split("\n")[0]
    box.press("Enter")
    page.wait_for_url(re.compile(r"/(search\?|dataset/)"))
    shot("after-choosing")
    if "/dataset/" in page.url:  # a suggestion may name a dataset: Enter opens it
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    else:
        expect(results(page)).to_be_visible()
        assert text.lower() in _search_box(page).input_value().lower(), (text, _search_box(page).input_value())


@pytest.mark.parametrize(
    "facet",
    [
        pytest.param(r"^Publisher", id="publisher"),
        pytest.param(r"^Concept", id="concept"),
        pytest.param(r"^(File )?format", id="format"),
        pytest.param(r"^Licen[cs]e", id="licence"),
        pytest.param(r"year", id="year"),
        pytest.param(r"validation", id="validation-status"),
    ],
)
def test_a_facet_narrows_the_results_to_its_count(page, shot, facet: str) -> None:  # type: ignore[no-untyped-def]
    """Every facet the issue names: choosing a value narrows the results to the number it showed,
    the choice stays marked, and the query is kept."""
    _search(page, "data")
    everything = result_total(page)
    group = facet_group(page, re.compile(facet, re.I))
    assert group.count(), f"no facet named /{facet}/ in the Filters sidebar"
    shot("before")
    label, count = _choose(page, group)
    shot("after")
    filtered = result_total(page)
    assert 0 < filtered <= everything
    if count is not None:
        assert filtered == count, f"{label!r} showed {count}, the results say {filtered}"
    assert parse_qs(urlsplit(page.url).query).get("q") == ["data"]
    # the chosen value is marked as chosen (checked, aria-current, or no longer a link)
    group = facet_group(page, re.compile(facet, re.I))
    value = label.split("(")[0].strip()
    marked = group.locator("input:checked, [aria-current], [aria-pressed=true], strong").filter(has_text=value)
    checked = group.get_by_role("checkbox", name=re.compile(re.escape(value)), checked=True)
    assert marked.count() or checked.count(), f"{value!r} is not shown as chosen in the {facet} facet"


def test_steward_runs_an_example_query_and_sees_rows(page, shot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sparql")
    shot("query-page")
    examples = page.get_by_role("region", name="Example queries")
    # a link without JavaScript, a button once the editor has taken over the page
    name = re.compile(r"^(Open in editor|Put in the query box)\b.*" + re.escape(example("datasets-per-source").title))
    examples.get_by_role("button", name=name).or_(examples.get_by_role("link", name=name)).first.click()
    shot("example-chosen")
    page.get_by_role("button", name=re.compile(r"^Run( query)?$", re.I)).first.click()
    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=re.compile("source")))
    expect(table).to_be_visible()
    shot("results")
    rows = table.get_by_role("row").filter(has_not=page.get_by_role("columnheader"))
    texts = rows.all_inner_texts()
    # examples/ holds ten labs, consumerfinance.data.json one agency: one row each
    assert len(texts) >= 11, texts
    assert any("nrel" in t for t in texts) and any("consumerfinance" in t for t in texts), texts


def test_curator_accepts_a_link_and_sees_it_accepted(page, shot, live_server: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    response = page.goto("/curate/links")
    assert response is not None and response.ok, (
        f"/curate/links answered {response and response.status}: waiting for link curation"
    )
    shot("queue")
    accept = page.get_by_role("button", name=re.compile(r"^Accept\b"))
    expect(accept.first).to_be_visible()
    row = page.get_by_role("row").filter(has=accept).first
    ends = row.locator("a[href*='/dataset/']")
    assert ends.count() >= 2, row.inner_text()
    title_a, title_b = ends.nth(0).inner_text().strip(), ends.nth(1).inner_text().strip()
    href_a, href_b = ends.nth(0).get_attribute("href"), ends.nth(1).get_attribute("href")
    row.get_by_role("button", name=re.compile(r"^Accept\b")).click()
    page.wait_for_load_state()
    shot("accepted")

    accepted = re.compile(r"\baccepted\b", re.I)
    said = page.get_by_role("status").all_inner_texts() + page.get_by_role("alert").all_inner_texts()
    rows = page.get_by_role("row").filter(has_text=title_a).filter(has_text=title_b).all_inner_texts()
    assert any(accepted.search(t) for t in said + rows), f"nothing says the link was accepted: {said + rows}"

    # the decision is in the graph at once (graph/link-decisions), for SPARQL clients too
    iri_a, iri_b = _dataset_iri(page, href_a), _dataset_iri(page, href_b)
    query = f"""PREFIX cw: <{CW}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?status ?curator WHERE {{
  ?d a cw:LinkDecision ; cw:dataset <{iri_a}>, <{iri_b}> ; cw:reviewStatus ?status ;
     prov:wasAttributedTo/rdfs:label ?curator }}"""
    answer = page.request.get(f"{live_server}/sparql", params={"query": query, "format": "json"})
    assert answer.ok, answer.text()[:300]
    bindings = answer.json()["results"]["bindings"]
    assert [(b["status"]["value"], b["curator"]["value"]) for b in bindings] == [("accepted", CURATOR)], bindings

    # and the landing page says a curator accepted it
    page.goto(href_a)
    related = page.get_by_role("region", name=RELATED)
    entry = related.get_by_role("row").filter(has_text=title_b)
    if not entry.count():
        entry = related.get_by_role("listitem").filter(has_text=title_b)
    expect(entry.first).to_be_visible()
    shot("landing-page")
    expect(entry.first, "the landing page does not mark the related dataset as accepted").to_contain_text(accepted)


def _dataset_iri(page, href: str) -> str:  # type: ignore[no-untyped-def]
    """A dataset's IRI, as its landing page publishes it (schema.org JSON-LD ``@id``)."""
    page.goto(href)
    return json.loads(page.locator("script[type='application/ld+json']").first.text_content())["@id"]
