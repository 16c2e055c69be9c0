"""Search features a researcher uses on /search and a program on /api/search and /api/suggest
(issue 5, point 1): facets and filters, sorting, paging, highlighted matches, autocomplete,
and the plain form that works without JavaScript. One real server over the sample corpus,
a real agency catalog, DataCite records with varied licences and formats, and a small
catalog of our own whose titles carry HTML."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app import create_app
from kg.alignment.concepts import concept_index
from kg.linking.corpus import format_label, licence_label
from kg.linking.linker import link
from kg.pipeline import Ingestor
from tests.conftest import corpus_path, serve_app

ROOT = Path(__file__).resolve().parents[1]
OWN_CATALOG = ROOT / "tests" / "data" / "search-features.data.json"
# DataCite records chosen for their licences (CC-BY-3.0, CC0, CC-BY-ND-4.0, CC-BY-NC-SA-3.0-US),
# formats (ZIP, NetCDF, XLS, XML) and one stored with a violation (blank publisher)
DATACITE = [
    "datacite-example-geolocation.xml",
    "datacite-example-dissertation-v4.4.xml",
    "datacite-by-nd-4.0.xml",
    "datacite-geolocation-empty.xml",
    "datacite-example-polygon.xml",
    "datacite-example-full-v4.5.xml",
    "datacite_blank_publisher.xml",
]
BROAD = "data measurements"  # a query whose candidates span every source


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("search-features")
    Ingestor(data).ingest(
        [
            ROOT / "examples",
            corpus_path("datajson-agencies/consumerfinance.data.json"),
            *(corpus_path(f"datacite-bolognese-fixtures/{name}") for name in DATACITE),
            OWN_CATALOG,
        ]
    )
    link(data)
    app = create_app({"DATA_DIR": str(data), "SPARQL_TIMEOUT_S": 5})
    with serve_app(app) as url:
        yield url


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def api(server: str, q: str, path: str = "/api/search", **params: object) -> dict:
    status, ctype, body = get(f"{server}{path}?{urlencode({'q': q, **params}, doseq=True)}")
    assert status == 200 and ctype.startswith("application/json"), body[:300]
    return json.loads(body)


def page(server: str, q: str, **params: object) -> str:
    status, _, body = get(f"{server}/search?{urlencode({'q': q, **params}, doseq=True)}")
    assert status == 200, body[:300]
    return body


def facet_value_of(hit: dict, name: str) -> set[str]:
    """The hit's values in a facet, from the fields /api/search returns."""
    if name == "publisher":
        return {hit["publisher"] or "(no publisher)"}
    if name == "format":
        return set(hit["formats"])
    if name == "license":
        return set(hit["licenses"]) or {"(no licence)"}
    if name == "year":
        return {hit["year"] or "(no year)"}
    if name == "validation":
        return {hit["validation"]}
    assert name == "concept"
    return concept_index().expand({c["iri"] for c in hit["concepts"]})  # a broader concept finds it


@pytest.mark.parametrize("name", ["publisher", "concept", "format", "license", "year", "validation"])
def test_each_facet_filters_hits_and_its_count_is_the_number_of_hits(server: str, name: str) -> None:
    result = api(server, BROAD, limit=100)
    values = result["facets"][name]
    assert len(values) >= 2, values  # a facet with one value filters nothing
    # a value held by some candidates but not all
    value, count = next((v["value"], v["count"]) for v in values if 0 < v["count"] < result["total"])
    filtered = api(server, BROAD, limit=100, **{name: value})
    assert filtered["total"] == count and len(filtered["hits"]) == min(count, 100)
    assert filtered["filters"] == {name: [value]}
    assert all(value in facet_value_of(h, name) for h in filtered["hits"]), value
    # the facet's own counts ignore its own filter: the other values stay, with their counts
    before = {v["value"]: v["count"] for v in values}
    after = {v["value"]: v["count"] for v in filtered["facets"][name]}
    assert after == before if name != "concept" else after.items() <= before.items()  # concepts: top 25


def test_known_values_are_readable_labels(server: str) -> None:
    facets = api(server, BROAD, limit=100)["facets"]
    formats = {v["value"] for v in facets["format"]}
    licences = {v["value"] for v in facets["license"]}
    assert {"CSV", "NetCDF"} <= formats and not any("/" in f and f != "RDF/XML" for f in formats), formats
    assert {"CC-BY-4.0", "(no licence)"} <= licences, licences
    assert {v["value"] for v in facets["validation"]} >= {"conforms", "warnings"}
    assert {v["label"] for v in facets["validation"]} <= {"Conforms", "Warnings", "Violations", "Not validated"}
    years = [v["value"] for v in facets["year"] if v["value"] != "(no year)"]
    assert years == sorted(years, reverse=True) and all(re.fullmatch(r"\d{4}", y) for y in years)


def test_licence_and_format_spellings_group_into_one_value() -> None:
    # spellings seen in ../shared/corpus (data.json, DataCite, CKAN, DCAT-US 3)
    for iri in (
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by/4.0/legalcode",
        "http://creativecommons.org/licenses/by/4.0",
        "https://creativecommons.org/licenses/by/4.0/deed.en_US",
        "https://spdx.org/licenses/CC-BY-4.0",
    ):
        assert licence_label(iri) == "CC-BY-4.0", iri
    assert licence_label("http://creativecommons.org/publicdomain/zero/1.0/") == "CC0-1.0"
    assert licence_label("https://creativecommons.org/licenses/by-nc-sa/3.0/us/") == "CC-BY-NC-SA-3.0-US"
    assert licence_label("http://www.usa.gov/publicdomain/label/1.0/") == licence_label(
        "https://www.usa.gov/government-works"
    )
    assert licence_label("https://project-open-data.cio.gov/unknown-license/") == "(no licence)"
    assert licence_label("https://www.nist.gov/director/licensing", "NIST Licensing") == "NIST Licensing"
    for value in ("https://www.iana.org/assignments/media-types/text/csv", "CSV", "csv", "application/csv"):
        assert format_label(value) == "CSV", value
    for value in (
        "https://www.iana.org/assignments/media-types/application/x-netcdf",
        "NetCDF (tar)",
        "NETCDF4_CLASSIC",
    ):
        assert format_label(value) == "NetCDF", value
    assert format_label("https://www.iana.org/assignments/media-types/application/unknown") == ""


def test_filters_combine_and_across_facets_or_within_one(server: str) -> None:
    base = api(server, BROAD, limit=100)
    csv = api(server, BROAD, limit=100, format="CSV")
    netcdf = api(server, BROAD, limit=100, format="NetCDF")
    either = api(server, BROAD, limit=100, format=["CSV", "NetCDF"])
    keys = lambda r: {h["key"] for h in r["hits"]}  # noqa: E731
    assert keys(either) == keys(csv) | keys(netcdf) and either["total"] == len(keys(csv) | keys(netcdf))
    # AND: CSV and a licence; the licence facet of the CSV result counts exactly those
    licence = next(v for v in csv["facets"]["license"] if v["count"] < csv["total"])
    both = api(server, BROAD, limit=100, format="CSV", license=licence["value"])
    assert both["total"] == licence["count"] > 0
    assert all("CSV" in h["formats"] and licence["value"] in facet_value_of(h, "license") for h in both["hits"])
    # every other facet of the CSV result counts only CSV candidates
    assert sum(v["count"] for v in csv["facets"]["validation"]) == csv["total"] < base["total"]


def test_sort_orders(server: str) -> None:
    relevance = api(server, BROAD, limit=50)
    by_title = api(server, BROAD, limit=50, sort="title")
    newest = api(server, BROAD, limit=50, sort="newest")
    assert relevance["sort"] == "relevance" and by_title["sort"] == "title" and newest["sort"] == "newest"
    titles = [h["title"].casefold() for h in by_title["hits"]]
    assert titles == sorted(titles) and titles != [h["title"].casefold() for h in relevance["hits"]]
    dates = [h["date"] for h in newest["hits"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # undated last
    assert dated[0] >= max(h["date"] for h in relevance["hits"])
    scores = [h["score"] for h in relevance["hits"]]
    assert scores == sorted(scores, reverse=True)
    # same candidates whatever the order
    assert by_title["total"] == newest["total"] == relevance["total"]


def test_unknown_sort_and_bad_parameters_fall_back_to_defaults(server: str) -> None:
    relevance = api(server, BROAD, limit=20)
    odd = api(server, BROAD, limit="abc", offset="-3", sort="<script>", colour="red")
    assert odd["sort"] == "relevance" and odd["limit"] == 20 and odd["offset"] == 0
    assert [h["key"] for h in odd["hits"]] == [h["key"] for h in relevance["hits"]]
    assert api(server, BROAD, limit=10**6)["limit"] == 100
    long = api(server, "ocean " * 400, limit=3, format="x" * 5000)
    assert len(long["query"]) <= 500 and len(long["filters"]["format"][0]) == 500 and long["total"] == 0
    assert "<script>" not in page(server, BROAD, sort="<script>")


def test_paging_with_prev_next_and_a_results_range(server: str) -> None:
    first = api(server, BROAD, limit=5)
    second = api(server, BROAD, limit=5, offset=5)
    both = api(server, BROAD, limit=10)
    assert [h["key"] for h in first["hits"] + second["hits"]] == [h["key"] for h in both["hits"]]
    total = first["total"]
    html = page(server, BROAD, limit=5, offset=5, format="CSV", sort="title")
    filtered_total = api(server, BROAD, limit=5, format="CSV")["total"]
    assert f"Results 6–10 of {filtered_total}" in html and total > filtered_total
    nav = html.split('<nav aria-label="Pages"', 1)[1].split("</nav>", 1)[0]
    prev = re.search(r'rel="prev" href="([^"]+)">Previous<', nav).group(1).replace("&amp;", "&")
    nxt = re.search(r'rel="next" href="([^"]+)">Next<', nav).group(1).replace("&amp;", "&")
    assert "offset" not in prev and "offset=10" in nxt  # the first page has no offset
    for link_ in (prev, nxt):  # the pager keeps the filters, the sort and the page size
        assert "format=CSV" in link_ and "sort=title" in link_ and "limit=5" in link_
    status, _, next_page = get(server + nxt)
    assert status == 200 and f"Results 11–{min(15, filtered_total)} of {filtered_total}" in next_page


def test_highlights_mark_query_words_and_escape_the_metadata(server: str) -> None:
    result = api(server, "alpine glacier mass balance", limit=5)
    hit = next(h for h in result["hits"] if "Glacier" in h["title"])
    title = hit["highlight"]["title"]
    assert "".join(s["text"] for s in title) == hit["title"]
    marked = [s["text"] for s in title if s["match"]]
    assert {m.lower() for m in marked} == {"alpine", "glacier", "glaciers", "mass", "balance"}  # plural too
    assert not any("<" in m for m in marked)
    snippet = hit["highlight"]["snippet"]
    assert any(s["match"] and s["text"].lower() == "glaciers" for s in snippet)
    html = page(server, "alpine glacier mass balance")
    assert "<script>alert(" not in html and "<img src=x" not in html and "<b>mass</b>" not in html
    assert (
        "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; <mark>Glacier</mark> &lt;b&gt;<mark>mass</mark>&lt;/b&gt;"
        in html
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_snippet_is_taken_around_the_best_match(server: str) -> None:
    hit = next(
        h for h in api(server, "permafrost warming boreholes", limit=5)["hits"] if h["title"].startswith("Borehole")
    )
    text = hit["snippet"]
    assert text.startswith("…") and 150 <= len(text) <= 250
    assert [s["text"] for s in hit["highlight"]["snippet"] if s["match"]] == ["warming", "permafrost"]


def test_suggest_completes_a_real_title_from_any_word(server: str) -> None:
    catalog = json.loads(corpus_path("datajson-agencies/consumerfinance.data.json").read_text())
    title = next(d["title"] for d in catalog["dataset"] if d["title"] == "Consumer Complaint Database")
    for prefix in (title[:12], "complaint datab", "CONSUMER COMPLAINT D"):
        found = api(server, prefix, path="/api/suggest")["suggestions"]
        match = next((s for s in found if s["text"] == title), None)
        assert match is not None and "title" in match["kinds"], (prefix, found)
        assert match["url"].startswith("/search?q=")
    assert api(server, "", path="/api/suggest")["suggestions"] == []
    assert api(server, "zqxjw", path="/api/suggest")["suggestions"] == []
    assert len(api(server, "c", path="/api/suggest", limit=3)["suggestions"]) == 3
    assert len(api(server, "c", path="/api/suggest", limit="many")["suggestions"]) == 8


def test_suggest_offers_concepts_and_keywords_by_frequency(server: str) -> None:
    found = api(server, "aeros", path="/api/suggest")["suggestions"]
    assert any("concept" in s["kinds"] and s["concept"].startswith("http") for s in found), found
    # completions the prefix starts come first, the most used first
    found = api(server, "a", path="/api/suggest", limit=20)["suggestions"]
    starts = [s["text"].lower().startswith("a") for s in found]
    assert starts == sorted(starts, reverse=True) and starts[0]
    counts = [s["count"] for s, first in zip(found, starts) if first]
    assert counts == sorted(counts, reverse=True)


class _Form(HTMLParser):
    """The controls a browser would submit with the search form, and every script tag."""

    def __init__(self) -> None:
        super().__init__()
        self.form: dict[str, str] = {}
        self.controls: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.handlers: list[str] = []
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.handlers += [k for k in a if k.startswith("on")]
        if tag == "form" and a.get("id") == "search-form":
            self.form, self._in_form = a, True
        elif tag in ("input", "select") and (self._in_form or a.get("form") == "search-form"):
            self.controls.append({"tag": tag, **a})
        elif tag == "script":
            self.scripts.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def test_the_form_works_without_javascript(server: str) -> None:
    """What a browser without JavaScript submits: the query box, the sort select and the
    checked facet boxes, all one GET form; the script only adds the autocomplete."""
    html = page(server, BROAD)
    form = _Form()
    form.feed(html)
    assert form.form["method"] == "get" and form.form["action"] == "/search"
    names = {c["name"] for c in form.controls}
    assert {"q", "sort", "publisher", "format", "license", "year", "validation"} <= names
    box = next(c for c in form.controls if c["name"] == "q")
    assert box["value"] == BROAD and box["id"] == "q" and '<label for="q"' in html
    assert '<label for="sort">Sort by</label>' in html
    # no inline script or handler (a CSP can forbid them); the one script is a file
    assert not form.handlers and form.scripts == [{"src": "/static/search.js", "defer": ""}]
    status, ctype, js = get(server + "/static/search.js")
    assert status == 200 and "javascript" in ctype and "aria-activedescendant" in js and "innerHTML" not in js
    # submit it as a browser would: tick the CSV box, choose "Title A–Z"
    csv = next(c for c in form.controls if c["name"] == "format" and c["value"] == "CSV")
    submitted = [("q", BROAD), ("sort", "title"), (csv["name"], csv["value"])]
    status, _, result = get(f"{server}{form.form['action']}?{urlencode(submitted)}")
    assert status == 200
    assert re.search(r'<input type="checkbox" form="search-form" name="format" value="CSV" checked>', result)
    assert '<option value="title" selected>' in result
    count = api(server, BROAD, format="CSV")["total"]
    assert f"of {count} (filtered)" in result


def test_page_and_api_list_the_same_hits(server: str) -> None:
    params = {"limit": 10, "offset": 2, "sort": "newest", "validation": "conforms"}
    keys = [h["key"] for h in api(server, BROAD, **params)["hits"]]
    html = page(server, BROAD, **params)
    listed = re.findall(r'<h3><a href="/dataset/([0-9a-f]{20})">', html)
    assert listed == keys and len(keys) == 10
