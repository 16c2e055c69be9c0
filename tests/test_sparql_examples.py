"""The steward example queries on /sparql, run through the real endpoint on real data, and the
query page's editor assets (issue 5, point 5).

Data: the sample corpus (examples/, 103 datasets of ten labs) plus the FCC data.json catalog
from ../shared/corpus (59 records, 6 of them with SHACL violations and 6 without a licence),
ingested by the real Ingestor and linked by the real model. Expected answers come from the
library the CLI uses (``summarise`` behind ``kg validate``), the ingest result, the raw files and
the raw store, never from the endpoint under test.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest

from app import create_app
from kg import __version__
from kg.alignment.align import load_mapping_sets
from kg.config import DataDir
from kg.lifting import get_lifter
from kg.namespaces import BASE, LINKS_GRAPH
from kg.pipeline import Ingestor, IngestResult
from kg.rawstore import RawStore
from kg.sparql.examples import EXAMPLE_CONCEPT, EXAMPLES, PREFIXES, example
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint
from kg.validation.summary import summarise
from tests.conftest import ROOT, corpus_path, serve_app

FCC = "datajson-agencies/fcc.data.json"
VENDOR = ROOT / "app" / "static" / "vendor" / "yasgui"
NOT_BUILT = f"the editor bundle is not built ({VENDOR} is missing): run `bash .ci/build-ui`"
JSON_RESULTS = "application/sparql-results+json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestResult]:
    data = tmp_path_factory.mktemp("sparql-examples")
    ingestor = Ingestor(data)
    try:
        result = ingestor.ingest([ROOT / "examples", corpus_path(FCC)])
    finally:
        ingestor.close()
    assert not result.errors, result.errors[:3]
    assert result.per_source["fcc"]["stored"] == 59 and result.per_source["fcc"]["violations"] > 0
    return data, result


@pytest.fixture(scope="module")
def linked(ingested: tuple[Path, IngestResult]) -> Path:
    """The same data directory after `kg link` (the real embedding model)."""
    from kg.linking.linker import link

    data = ingested[0]
    assert link(data).links > 0
    return data


@pytest.fixture(scope="module")
def client(ingested: tuple[Path, IngestResult]):  # type: ignore[no-untyped-def]
    app = create_app({"DATA_DIR": str(ingested[0]), "SPARQL_TIMEOUT_S": 20, "SPARQL_WORKERS": 1})
    try:
        yield app.test_client()
    finally:
        app.extensions["crosswalk"].sparql().close()


def oracle(data: Path) -> ox.Store:
    """The newest checkpoint, read-only in this process: for expected answers."""
    path = latest_checkpoint(DataDir(data).checkpoints)
    assert path is not None
    return ox.Store.read_only(str(path))


def run_example(client, slug: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The example's rows through POST /sparql (as the editor sends it), values only."""
    ex = example(slug)
    assert ex is not None, slug
    response = client.post("/sparql", data={"query": ex.query}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200, f"{slug}: {response.get_data(as_text=True)}"
    doc = json.loads(response.get_data())
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def lab(source_iri: str) -> str:
    return source_iri.rsplit("/", 1)[-1]


# --- the examples on real data ---------------------------------------------------------------


def test_failing_validation_per_lab_matches_kg_validate(client, ingested) -> None:  # type: ignore[no-untyped-def]
    rows = run_example(client, "failing-validation-per-source")
    got = {lab(r["source"]): (int(r["failing"]), int(r["records"])) for r in rows}

    store = GraphStore(latest_checkpoint(DataDir(ingested[0]).checkpoints), read_only=True)
    summary = summarise(store)  # what `kg validate` prints
    expected = {s.name: (s.violation, s.records) for s in summary.sources if s.violation}
    assert got == expected
    assert got["fcc"] == (ingested[1].per_source["fcc"]["violations"], 59)
    assert not {"nrel", "anl", "inl", "slac"} & set(got), "sample labs conform: they must not be listed"
    assert [int(r["failing"]) for r in rows] == sorted((int(r["failing"]) for r in rows), reverse=True)


def test_no_licence_lists_the_records_the_validator_warned_about(client, ingested) -> None:  # type: ignore[no-untyped-def]
    rows = run_example(client, "datasets-without-licence")
    ids = {(lab(r["source"]), r["local_id"]) for r in rows}
    # known from the sample corpus: two INL inventory rows have an empty License column
    assert {("inl", "INL-GRID-0104"), ("inl", "INL-GRID-0105")} <= ids
    assert ("nrel", "NREL-DS-0001") not in ids  # has a CC-BY licence
    warned = {
        key
        for key, report in ingested[1].reports.items()
        if any(f.message.startswith("No licence") for f in report.findings)
    }
    assert {r["record"].rsplit("/", 1)[-1] for r in rows} == warned
    assert sum(1 for r in rows if lab(r["source"]) == "fcc") == 6


def test_provenance_names_lifter_raw_hash_run_and_mapping_set(client, ingested) -> None:  # type: ignore[no-untyped-def]
    rows = run_example(client, "record-provenance")
    assert rows and all("raw_sha256" in r and "lifter" in r for r in rows)
    (nrel,) = [r for r in rows if r["local_id"] == "NREL-DS-0001"]
    catalog = ROOT / "examples" / "nrel" / "data.json"
    assert nrel["file"] == "examples/nrel/data.json"
    assert nrel["file_sha256"] == hashlib.sha256(catalog.read_bytes()).hexdigest()
    raw = RawStore(DataDir(ingested[0]).raw)
    assert nrel["raw_sha256"] in raw
    kept = raw.get(nrel["raw_sha256"])
    assert hashlib.sha256(kept).hexdigest() == nrel["raw_sha256"]
    assert json.loads(kept)["identifier"] == "NREL-DS-0001"  # the record cut from the catalog
    assert (nrel["lifter"], nrel["lifter_version"]) == ("datajson", get_lifter("datajson").version)
    assert nrel["software_version"] == __version__
    assert nrel["run"] == ingested[1].run
    assert "last_run_at" not in nrel  # the run log (graph/runs) is for stewards and admins (kg.governance)
    (nrel_set,) = [s for s in load_mapping_sets() if s.name == "nrel"]
    assert f"{nrel_set.id} v{nrel_set.version}" in nrel["mapping_sets"].split(", ")
    # a DataCite record is its own raw file
    (bnl,) = [r for r in rows if r["local_id"] == "10.5072/bnl.lisf.pv.2016"]
    assert bnl["lifter"] == "datacite-xml" and bnl["raw_sha256"] == bnl["file_sha256"]


@pytest.mark.slow
def test_cross_lab_links_for_a_concept(client, linked) -> None:  # type: ignore[no-untyped-def]
    rows = run_example(client, "concept-cross-lab-links")
    store = oracle(linked)
    # independent answer: datasets carrying the concept, links from them, each end's labs
    on_concept = {
        s["a"].value
        for s in store.query(
            f"SELECT DISTINCT ?a WHERE {{ GRAPH ?g {{ ?a <http://www.w3.org/ns/dcat#theme> <{EXAMPLE_CONCEPT}> }} }}"
        )
    }
    labs: dict[str, set[str]] = {}
    for s in store.query(
        "SELECT ?ds ?src WHERE { GRAPH ?g { ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?ds ; "
        f"<{BASE}ns#source> ?src }} }}"
    ):
        labs.setdefault(s["ds"].value, set()).add(s["src"].value)
    links = {
        (s["a"].value, s["b"].value)
        for s in store.query(f"SELECT ?a ?b WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?a <{BASE}ns#relatedDataset> ?b }} }}")
    }
    expected = {
        (a, b) for a, b in links if a in on_concept and any(x != y for x in labs.get(a, ()) for y in labs.get(b, ()))
    }
    assert len(expected) >= 5, "the sample corpus should give this concept several cross-lab links"
    assert {(r["a"], r["b"]) for r in rows} == expected
    assert all(r["a_source"] != r["b_source"] for r in rows)
    assert len({r["a_source"] for r in rows} | {r["b_source"] for r in rows}) >= 3
    assert all(r["lab_terms"] for r in rows), "each dataset reached the concept through a lab term"
    assert {r["b_has_concept"] for r in rows} <= {"true", "false"}
    assert any(r["b_has_concept"] == "true" for r in rows)
    scores = [float(r["score"]) for r in rows if "score" in r]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_every_example_answers_with_rows(client, linked) -> None:  # type: ignore[no-untyped-def]
    for ex in EXAMPLES:
        assert run_example(client, ex.slug), f"{ex.slug} returned no rows on the sample corpus"


def test_examples_declare_exactly_the_prefixes_they_use() -> None:
    for ex in EXAMPLES:
        declared = re.findall(r"^PREFIX (\w+):", ex.query, flags=re.MULTILINE)
        body = ex.query.split("\n\n", 1)[1]
        used = {n for n in PREFIXES if re.search(rf"(?<![\w:/.#<-]){n}:", body)}
        assert set(declared) == used, ex.slug
        ox.Store().query(ex.query)  # parses (pyoxigraph raises SyntaxError otherwise)


# --- the page: no-JS fallback, local assets only -----------------------------------------------


class _Assets(HTMLParser):
    """Every URL the page makes a browser load (scripts, styles, images, frames, forms)."""

    LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
             ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("form", "action")}  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.inline_scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        for name, value in attrs:
            if (tag, name) in self.LOADS and value:
                self.loads.append(value)
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if tag == "a":
            self.links.append(dict(attrs))
        if tag == "script" and not dict(attrs).get("src"):
            self.inline_scripts.append(dict(attrs))


def parse_page(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def test_page_loads_only_same_origin_assets_and_has_no_inline_script(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    page = parse_page(response.get_data(as_text=True))
    assert page.loads, "the page loads at least its stylesheet"
    for url in page.loads:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"loads {url!r} from elsewhere"
        assert url.startswith(("/static/", "/sparql")), url
    # the only script block is data (the editor's configuration), never code
    assert [s.get("type") for s in page.inline_scripts] == ["application/json"]
    assert not page.handlers, page.handlers
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "connect-src 'self'"):
        assert directive in csp
    # no http(s) URL of another host in any attribute: absolute IRIs appear only as query text
    for name, value in re.findall(r'\s([\w-]+)="([^"]*)"', response.get_data(as_text=True)):
        if name == "placeholder":
            continue  # an example graph IRI shown as a hint, not a link
        assert not re.match(r"https?://(?!localhost[:/])", value), f'{name}="{value}"'


def test_page_config_names_our_endpoint_and_prefixes(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    block = html.split('<script type="application/json" id="sparql-config">', 1)[1].split("</script>", 1)[0]
    config = json.loads(block)
    assert config["endpoint"] == "/sparql"
    assert config["prefixes"]["cw"] == f"{BASE}ns#"
    for name in ("dcat", "dcterms", "foaf", "prov", "skos", "sh", "schema", "xsd", "rdfs"):
        assert name in config["prefixes"], name


def test_without_javascript_an_example_run_link_gives_a_server_table(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    page = parse_page(html)
    runs = {a["aria-label"]: a["href"] for a in page.links if "example-run" in (a.get("class") or "")}
    assert set(runs) == {f"Run: {ex.title}" for ex in EXAMPLES}
    edits = [a for a in page.links if "example-edit" in (a.get("class") or "")]
    assert len(edits) == len(EXAMPLES)
    response = client.get(runs["Run: Datasets without a licence"].replace("&amp;", "&"))
    assert response.status_code == 200
    result = response.get_data(as_text=True)
    assert "INL-GRID-0104" in result and '<textarea id="query" name="query"' in result
    table = result.split('<div id="server-results">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 16  # header + the 16 records without a licence


def test_page_without_the_bundle_is_the_plain_form(ingested) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"DATA_DIR": str(ingested[0])})
    try:
        app.static_folder = str(ROOT / "app" / "no-such-static")  # as before `.ci/build-ui` ran
        html = app.test_client().get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    finally:
        app.extensions["crosswalk"].sparql().close()
    assert "vendor/yasgui" not in html and "sparql.js" not in html
    assert '<textarea id="query" name="query"' in html


# --- the built bundle ----------------------------------------------------------------------


def test_build_ui_put_the_pinned_yasgui_in_static(client) -> None:  # type: ignore[no-untyped-def]
    if not (VENDOR / "yasgui.min.js").is_file():
        pytest.skip(NOT_BUILT)
    pinned = json.loads((ROOT / "ui" / "package.json").read_text())["dependencies"]["@zazuko/yasgui"]
    locked = json.loads((ROOT / "ui" / "package-lock.json").read_text())["packages"]["node_modules/@zazuko/yasgui"]
    built = json.loads((VENDOR / "VERSION.json").read_text())
    assert pinned == locked["version"] == built["version"]
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSES.txt"):
        assert (VENDOR / name).stat().st_size > 1000, name
    assert f"@zazuko/yasgui@{pinned}" in (VENDOR / "LICENSES.txt").read_text()
    css = (VENDOR / "yasgui.min.css").read_text()
    assert "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    for asset in ("/static/vendor/yasgui/yasgui.min.js", "/static/vendor/yasgui/yasgui.min.css", "/static/sparql.js"):
        assert asset in html
        assert client.get(asset).status_code == 200


# --- in a real browser: the editor runs an example and nothing leaves this host ---------------


@pytest.fixture
def live(ingested: tuple[Path, IngestResult]) -> Iterator[str]:
    app = create_app({"DATA_DIR": str(ingested[0]), "SPARQL_TIMEOUT_S": 20, "SPARQL_WORKERS": 1})
    with serve_app(app) as url:
        yield url


def test_editor_runs_an_example_and_every_request_stays_on_this_host(live: str, browser) -> None:  # type: ignore[no-untyped-def]
    if not (VENDOR / "yasgui.min.js").is_file():
        pytest.skip(NOT_BUILT)
    requests: list[str] = []
    problems: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.goto(live + "/sparql", wait_until="networkidle")
        assert page.locator("#query-editor .CodeMirror").count() == 1 and page.locator("#query").is_hidden()
        page.get_by_role("button", name="Run: Datasets without a licence").click()
        rows = page.get_by_role("region", name="Results").locator("table tbody tr")
        rows.first.wait_for()
        assert rows.count() == 16
        assert page.locator("#results-status").inner_text().startswith("16 rows")
        # prefix completion: a prefixed name gets its PREFIX line from our table
        page.get_by_role("button", name="Open in editor: Datasets per lab").click()
        page.keyboard.press("Control+a")
        page.keyboard.type("SELECT * WHERE { ?d a prov:")
        page.wait_for_function("document.querySelector('#query').value.startsWith('PREFIX prov:')")
        assert page.locator("#query").input_value().startswith(f"PREFIX prov: <{PREFIXES['prov']}>")
    finally:
        context.close()
    assert not problems, problems
    others = sorted({u for u in requests if urlsplit(u).netloc != urlsplit(live).netloc})
    assert not others, f"requests left {live}: {others}"
