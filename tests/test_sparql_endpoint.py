"""/sparql end to end: a real server on a real ingest of the DOE catalog, real SPARQL clients.

The server runs in a thread (werkzeug ``make_server``); queries run in the executor's worker
processes on the checkpoint the Ingestor made. Expected answers come from pyoxigraph reading the
same checkpoint in this process, or from the ingest itself, never from the endpoint under test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from markupsafe import escape
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from werkzeug.serving import make_server

from app import create_app
from kg.config import DataDir
from kg.pipeline import Ingestor
from kg.sparql import SparqlExecutor
from kg.sparql.examples import EXAMPLES, example
from kg.sparql.formats import GRAPH, RESULTS, accept_for_format, negotiate, prefers_html
from kg.sparql.lexer import scan
from kg.sparql.results import SOLUTION_WRITERS
from kg.store.oxigraph import latest_checkpoint
from tests.conftest import corpus_path

TIMEOUT_S = 3
ROW_CAP = 5
PREFIXES = """PREFIX cw: <https://w3id.org/crosswalk/ns#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?f ?i ?l"
COUNT_DATASETS = PREFIXES + "SELECT (COUNT(DISTINCT ?ds) AS ?n) WHERE { ?ds a dcat:Dataset }"
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def energy(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The DOE data.json catalog (482 records) and two records with SHACL violations (source
    ``dcatus``), ingested by the real Ingestor."""
    data = tmp_path_factory.mktemp("sparql-energy")
    bad = "datagov-harvester-fixtures/example_data/dcatus/"
    result = Ingestor(data).ingest(
        [
            corpus_path("datajson-agencies/energy.data.json"),
            corpus_path(bad + "missing_title.json"),
            corpus_path(bad + "dcatus_multiple_invalid.json"),
        ]
    )
    assert result.per_source["energy"]["stored"] == 482 and result.violations == 2
    assert not result.errors
    return data, result


@pytest.fixture(scope="module")
def oracle(energy) -> ox.Store:  # type: ignore[no-untyped-def]
    """The same checkpoint, opened read-only in this process: the source of expected answers."""
    path = latest_checkpoint(DataDir(energy[0]).checkpoints)
    assert path is not None
    return ox.Store.read_only(str(path))


class Server:
    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.http = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}/sparql"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    @property
    def executor(self) -> SparqlExecutor:
        return self.app.extensions["crosswalk"].sparql()

    def stop(self) -> None:
        self.http.shutdown()
        self.thread.join(5)
        pids = self.executor.worker_pids()
        self.executor.close()
        assert_reaped(pids)


def serve(config: dict) -> Iterator[Server]:  # type: ignore[type-arg]
    server = Server(create_app(config))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(energy) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    yield from serve({"DATA_DIR": str(energy[0]), "SPARQL_TIMEOUT_S": TIMEOUT_S, "SPARQL_WORKERS": 2})


@pytest.fixture(scope="module")
def capped(energy) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    yield from serve({"DATA_DIR": str(energy[0]), "SPARQL_TIMEOUT_S": TIMEOUT_S, "SPARQL_ROW_CAP": ROW_CAP})


# --- helpers -------------------------------------------------------------------------------


def assert_reaped(pids: list[int]) -> None:
    """Each process is gone: not running and not a zombie waiting to be reaped."""
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        state = status.read_text().split("State:")[1].split()[0] if status.exists() else None
        assert state is None, f"worker {pid} is still there (state {state})"


def http(
    url: str,
    params: dict[str, str | list[str]] | None = None,
    *,
    accept: str | None = None,
    data: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """A plain urllib request; returns status, headers and body for any status."""
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if accept:
        req.add_header("Accept", accept)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wrapper(url: str, query: str, fmt: str, *, method: str | None = None, only_conneg: bool = False) -> SPARQLWrapper:
    sw = SPARQLWrapper(url)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setOnlyConneg(only_conneg)
    if method:
        sw.setMethod(POST)
        sw.setRequestMethod(method)
    return sw


def anonymous_dataset(store: ox.Store) -> dict[str, object]:
    """What an anonymous caller's queries run over (kg.governance.views; every source here is
    public, so every record): the expected answers come from the same graphs."""
    from kg.governance.identity import ANONYMOUS
    from kg.governance.policy import PolicySet
    from kg.governance.views import layout, scope_for

    return scope_for(layout(store), PolicySet(), ANONYMOUS).query_options()


def oracle_rows(store: ox.Store, query: str) -> list[tuple[object, ...]]:
    results = store.query(query, **anonymous_dataset(store))
    names = [v.value for v in results.variables]
    return [tuple(s[n] for n in names) for s in results]


def term_rows(results: ox.QuerySolutions) -> list[tuple[object, ...]]:
    names = [v.value for v in results.variables]
    return [tuple(s[n] for n in names) for s in results]


def rdflib_graph_from_oracle(store: ox.Store, query: str) -> rdflib.Graph:
    triples = list(store.query(query, **anonymous_dataset(store)))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def assert_same_graph(expected: rdflib.Graph, got: rdflib.Graph, label: str) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(
            f"{label}: graphs differ\nmissing:\n{only_expected.serialize(format='nt')}\n"
            f"unexpected:\n{only_got.serialize(format='nt')}"
        )


@pytest.fixture(scope="module")
def sample(oracle: ox.Store) -> dict[str, str]:
    """One record graph and its dataset, picked from the oracle."""
    row = next(
        iter(
            oracle.query(
                PREFIXES
                + "SELECT ?g ?ds WHERE { GRAPH ?g { ?g foaf:primaryTopic ?ds ; cw:source ?s } } ORDER BY ?g LIMIT 1"
            )
        )
    )
    return {"graph": row["g"].value, "dataset": row["ds"].value}


# A SELECT with every kind of value the writers must get right (no blank nodes, so that the
# endpoint's answer can be compared term for term with the oracle's).
TRICKY_SELECT = (
    PREFIXES
    + r"""SELECT ?ds ?title ?modified ?tag ?weird ?number ?missing WHERE {
  GRAPH ?g { ?g foaf:primaryTopic ?ds . ?ds dct:title ?title ; dct:modified ?modified }
  BIND(STRLANG("étiquette", "fr") AS ?tag)
  BIND("comma, \"quote\"	tab\nnewline \\ backslash <tag>" AS ?weird)
  BIND(2.50 AS ?number)
  OPTIONAL { ?ds <http://example.org/nothing> ?missing }
} ORDER BY ?ds LIMIT 40"""
)


# --- SELECT and ASK ------------------------------------------------------------------------


def test_select_json_counts_every_ingested_dataset(server: Server, energy) -> None:  # type: ignore[no-untyped-def]
    doc = wrapper(server.url, COUNT_DATASETS, JSON).query().convert()
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == energy[1].stored


@pytest.mark.parametrize(
    ("fmt", "media", "oxformat"),
    [
        (JSON, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        (XML, "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        (TSV, "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
@pytest.mark.parametrize("only_conneg", [True, False], ids=["accept", "format-param"])
def test_select_formats_carry_the_same_terms(server: Server, oracle, fmt, media, oxformat, only_conneg) -> None:  # type: ignore[no-untyped-def]
    result = wrapper(server.url, TRICKY_SELECT, fmt, only_conneg=only_conneg).query()
    assert result.info()["content-type"].startswith(media)
    body = result.response.read()
    got = term_rows(ox.parse_query_results(body, format=oxformat))
    expected = oracle_rows(oracle, TRICKY_SELECT)
    assert len(expected) == 40
    assert got == expected


def test_select_csv_has_plain_values(server: Server, oracle) -> None:  # type: ignore[no-untyped-def]
    body = wrapper(server.url, TRICKY_SELECT, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["ds", "title", "modified", "tag", "weird", "number", "missing"]
    expected = [[t.value if t is not None else "" for t in row] for row in oracle_rows(oracle, TRICKY_SELECT)]
    assert rows[1:] == expected
    assert b"\r\n" in body  # RFC 4180 line ends, as the CSV results spec requires


def test_select_json_and_xml_through_sparqlwrapper_convert(server: Server) -> None:
    query = PREFIXES + "SELECT ?ds WHERE { ?ds a dcat:Dataset } ORDER BY ?ds LIMIT 7"
    doc = wrapper(server.url, query, JSON).query().convert()
    xml = wrapper(server.url, query, XML).query().convert()
    from_json = [b["ds"]["value"] for b in doc["results"]["bindings"]]
    from_xml = [u.firstChild.data for u in xml.getElementsByTagName("uri")]
    assert len(from_json) == 7 and from_json == from_xml


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_true_and_false(server: Server, sample, fmt) -> None:  # type: ignore[no-untyped-def]
    yes = f"ASK {{ GRAPH <{sample['graph']}> {{ ?s ?p ?o }} }}"
    no = "ASK { <http://example.org/nothing> ?p ?o }"
    answers = []
    for query in (yes, no):
        converted = wrapper(server.url, query, fmt).query().convert()
        if fmt == JSON:
            answers.append(converted["boolean"])
        else:
            answers.append(converted.getElementsByTagName("boolean")[0].firstChild.data == "true")
    assert answers == [True, False]


def test_ask_in_csv_is_the_bare_word(server: Server) -> None:
    status, headers, body = http(server.url, {"query": "ASK {}"}, accept="text/csv")
    assert (status, body) == (200, b"true")
    assert headers["Content-Type"].startswith("text/csv")


# --- CONSTRUCT and DESCRIBE ----------------------------------------------------------------


@pytest.mark.parametrize("form", ["construct", "describe"])
@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_graph_results_parse_in_every_format(server: Server, oracle, sample, form, name) -> None:  # type: ignore[no-untyped-def]
    if form == "construct":
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{sample['graph']}> {{ ?s ?p ?o }} }}"
    else:
        query = f"DESCRIBE <{sample['dataset']}>"
    expected = rdflib_graph_from_oracle(oracle, query)
    assert len(expected) > 20
    if name == "ntriples":  # SPARQLWrapper has no N-Triples format: plain HTTP
        status, headers, body = http(server.url, {"query": query}, accept=MEDIA[name])
        assert status == 200 and headers["Content-Type"] == MEDIA[name]
        got = rdflib.Graph().parse(data=body, format="nt")
    else:
        fmt = {"turtle": TURTLE, "jsonld": JSONLD, "rdfxml": RDFXML}[name]
        result = wrapper(server.url, query, fmt, only_conneg=True).query()
        assert result.info()["content-type"].startswith(MEDIA[name])
        got = rdflib.Graph().parse(data=result.response.read(), format=RDFLIB_FORMAT[name])
    assert_same_graph(expected, got, f"{form} as {name}")


def test_construct_with_format_json_gives_json_ld(server: Server, sample) -> None:  # type: ignore[no-untyped-def]
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{sample['graph']}> {{ ?s ?p ?o }} }}"
    graph = wrapper(server.url, query, JSON).query().convert()  # sends format=json too
    assert isinstance(graph, rdflib.Graph) and len(graph) > 20


def test_rdfxml_refuses_predicates_it_cannot_write(server: Server) -> None:
    query = "CONSTRUCT { <http://example.org/a> <http://example.org/123> 1 } WHERE {}"
    status, _, body = http(server.url, {"query": query}, accept="application/rdf+xml")
    assert status == 406 and b"RDF/XML cannot write the predicate" in body
    status, _, body = http(server.url, {"query": query}, accept="text/turtle")
    assert status == 200 and len(rdflib.Graph().parse(data=body, format="turtle")) == 1


# --- protocol: methods, dataset, negotiation -------------------------------------------------


@pytest.mark.parametrize("method", [None, URLENCODED, POSTDIRECTLY], ids=["get", "post-form", "post-direct"])
def test_get_and_both_posts_agree(server: Server, oracle, method) -> None:  # type: ignore[no-untyped-def]
    query = PREFIXES + "SELECT ?ds ?title WHERE { ?ds a dcat:Dataset ; dct:title ?title } ORDER BY ?ds LIMIT 25"
    body = wrapper(server.url, query, JSON, method=method, only_conneg=True).query().response.read()
    got = term_rows(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
    assert got == oracle_rows(oracle, query)


def test_direct_post_with_dataset_in_the_url(server: Server, oracle, sample) -> None:  # type: ignore[no-untyped-def]
    query = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    url = server.url + "?" + urllib.parse.urlencode({"default-graph-uri": sample["graph"]})
    status, _, body = http(url, data=query, content_type="application/sparql-query")
    assert status == 200
    expected = len(list(oracle.quads_for_pattern(None, None, None, ox.NamedNode(sample["graph"]))))
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(expected)


def test_protocol_dataset_replaces_the_union(server: Server, oracle, sample) -> None:  # type: ignore[no-untyped-def]
    in_graph = len(list(oracle.quads_for_pattern(None, None, None, ox.NamedNode(sample["graph"]))))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sw = wrapper(server.url, count, JSON)
    sw.addDefaultGraph(sample["graph"])
    assert sw.query().convert()["results"]["bindings"][0]["n"]["value"] == str(in_graph)
    # named-graph-uri alone: only that graph is visible to GRAPH, and the default graph is empty
    sw = wrapper(server.url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON)
    sw.addNamedGraph(sample["graph"])
    assert [b["g"]["value"] for b in sw.query().convert()["results"]["bindings"]] == [sample["graph"]]
    # without parameters the default graph is the union of what the caller may see (here every
    # record, its validation report and links: each triple once, not again from its view graph)
    total = wrapper(server.url, count, JSON).query().convert()["results"]["bindings"][0]["n"]["value"]
    assert int(total) == int(oracle_rows(oracle, count)[0][0].value)
    assert int(total) < len(oracle)


def test_from_clause_is_honoured(server: Server, oracle, sample) -> None:  # type: ignore[no-untyped-def]
    in_graph = len(list(oracle.quads_for_pattern(None, None, None, ox.NamedNode(sample["graph"]))))
    query = f"SELECT (COUNT(*) AS ?n) FROM <{sample['graph']}> WHERE {{ ?s ?p ?o }}"
    doc = wrapper(server.url, query, JSON).query().convert()
    assert doc["results"]["bindings"][0]["n"]["value"] == str(in_graph)


def test_accept_q_values_and_format_override(server: Server) -> None:
    query = {"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"}
    status, headers, _ = http(server.url, query, accept="application/sparql-results+json;q=0.2, text/csv;q=0.9")
    assert headers["Content-Type"].startswith("text/csv")
    status, headers, _ = http(server.url, query, accept="text/csv;q=0, */*;q=0.1")
    assert headers["Content-Type"] == "application/sparql-results+json"
    status, headers, body = http(server.url, query, accept="image/png")
    assert status == 406 and b"application/sparql-results+json" in body
    status, headers, _ = http(server.url, {**query, "format": "tsv"}, accept="application/sparql-results+json")
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    status, _, body = http(server.url, {**query, "format": "pdf"})
    assert status == 400 and b"unknown format" in body
    status, _, body = http(server.url, {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"})
    assert status == 406


def test_missing_query_and_unknown_post_type(server: Server) -> None:
    status, _, body = http(server.url, accept="application/sparql-results+json")
    assert status == 400 and b"query" in body
    status, _, _ = http(server.url, data=b"ASK {}", content_type="text/plain")
    assert status == 415
    status, _, body = http(server.url, {"query": ["ASK {}", "ASK {}"]})
    assert status == 400 and b"exactly one" in body


# --- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        "PREFIX s: <{target}#>\nSELECT * WHERE {{ # comment\n ?x ?y ?z . SeRvIcE <{target}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_without_any_connection(server: Server, template: str) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1.0)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    try:
        status, _, body = http(server.url, {"query": template.format(target=target)})
        assert status == 400
        assert b"SERVICE is disabled on this endpoint" in body
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody knocked
    finally:
        listener.close()


def test_the_word_service_in_strings_iris_and_comments_is_fine(server: Server) -> None:
    query = (
        "PREFIX service: <http://example.org/service#>\n"
        'SELECT ?service ?text WHERE { BIND("SERVICE <http://x/> { }" AS ?text) '
        "BIND(<http://example.org/SERVICE> AS ?service) FILTER(?text != 'service') } # SERVICE"
    )
    status, _, body = http(server.url, {"query": query}, accept="application/sparql-results+json")
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["text"]["value"] == "SERVICE <http://x/> { }"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"params": {"query": "INSERT DATA { <http://e/a> <http://e/p> 1 }"}},
        {"data": b"update=DROP+ALL", "content_type": "application/x-www-form-urlencoded"},
        {"data": b"CLEAR ALL", "content_type": "application/sparql-update"},
        {"data": b"PREFIX e: <http://e/>\nDELETE WHERE { ?s ?p ?o }", "content_type": "application/sparql-query"},
        {"params": {"update": "LOAD <http://example.org/x>"}},
    ],
    ids=["get-insert", "form-update", "sparql-update", "post-delete", "get-update-param"],
)
def test_updates_are_refused(server: Server, oracle, request_kwargs) -> None:  # type: ignore[no-untyped-def]
    status, _, body = http(server.url, **request_kwargs)
    assert status == 403 and b"read-only" in body
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    doc = wrapper(server.url, count, JSON).query().convert()
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == int(oracle_rows(oracle, count)[0][0].value)


def test_syntax_error_gives_400_with_pyoxigraph_message(server: Server) -> None:
    bad = "SELECT * WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(bad)
    status, headers, body = http(server.url, {"query": bad})
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert str(caught.value) in body.decode()


def test_row_cap_truncates_and_says_so(capped: Server) -> None:
    query = PREFIXES + "SELECT ?ds WHERE { ?ds a dcat:Dataset }"
    for accept in ("application/sparql-results+json", "text/csv"):
        status, headers, body = http(capped.url, {"query": query}, accept=accept)
        assert status == 200 and headers.get("X-Crosswalk-Truncated") == "true"
        if accept == "text/csv":
            assert len(body.decode().strip().splitlines()) == ROW_CAP + 1  # header + rows
        else:
            assert len(json.loads(body)["results"]["bindings"]) == ROW_CAP
    status, headers, body = http(capped.url, {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, accept="application/n-triples")
    assert headers.get("X-Crosswalk-Truncated") == "true"
    assert len(rdflib.Graph().parse(data=body, format="nt")) == ROW_CAP
    status, headers, body = http(capped.url, {"query": query + " LIMIT 5"}, accept="text/csv")
    assert status == 200 and "X-Crosswalk-Truncated" not in headers
    status, headers, body = http(capped.url, {"query": query, "format": "html"})
    assert headers.get("X-Crosswalk-Truncated") == "true"
    assert f"only the first {ROW_CAP} rows are shown" in body.decode()
    assert body.decode().count("<tr>") == ROW_CAP + 1  # header row + capped rows


def test_runaway_query_is_killed_while_others_still_run(server: Server, energy) -> None:  # type: ignore[no-untyped-def]
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = http(server.url, {"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    pids_during = set(server.executor.worker_pids())
    started = time.monotonic()
    doc = wrapper(server.url, COUNT_DATASETS, JSON).query().convert()
    quick = time.monotonic() - started
    thread.join(TIMEOUT_S + 10)

    assert doc["results"]["bindings"][0]["n"]["value"] == str(energy[1].stored)
    assert quick < 2.0, f"a simple query waited {quick:.1f} s behind the runaway one"
    status, _, body = outcome["response"]  # type: ignore[misc]
    assert status == 503
    assert f"query exceeded the {TIMEOUT_S} s time limit" in body.decode()
    assert outcome["seconds"] < TIMEOUT_S + 2  # type: ignore[operator]
    killed = pids_during - set(server.executor.worker_pids())
    assert len(killed) == 1
    assert_reaped(sorted(killed))
    # the pool is whole again
    assert wrapper(server.url, "ASK {}", JSON).query().convert()["boolean"] is True


def _starve(pid: int, seconds: float) -> threading.Thread:
    """Take the CPU from a worker process for ``seconds`` (SIGSTOP, then SIGCONT), as a busy
    server does to a query that waits for a core."""
    os.kill(pid, signal.SIGSTOP)

    def resume() -> None:
        time.sleep(seconds)
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:  # killed at the wall-clock limit meanwhile
            pass

    thread = threading.Thread(target=resume)
    thread.start()
    return thread


def test_time_limit_counts_the_query_s_cpu_time_not_its_wait_for_a_core(energy) -> None:  # type: ignore[no-untyped-def]
    """A query that gets no CPU for twice its time limit is still answered (on a busy server it
    shares the cores); the wall-clock limit (3 x by default, 4 s here) still ends one that cannot
    progress, and its worker is replaced."""
    executor = SparqlExecutor(data_dir=energy[0], timeout_s=1.0, row_cap=100, workers=1, wall_limit_s=4.0)
    try:
        warm = executor.run(COUNT_DATASETS, accept="application/sparql-results+json")
        assert warm.status == 200, warm.error
        (pid,) = executor.worker_pids()
        resume = _starve(pid, 2.0)
        started = time.monotonic()
        answer = executor.run(COUNT_DATASETS, accept="application/sparql-results+json")
        waited = time.monotonic() - started
        resume.join()
        assert answer.status == 200, answer.error
        assert waited >= 1.9  # twice the time limit passed on the clock
        assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == str(energy[1].stored)
        assert executor.worker_pids() == [pid]  # the same worker: nothing was killed

        resume = _starve(pid, 8.0)
        started = time.monotonic()
        stopped = executor.run(COUNT_DATASETS, accept="application/sparql-results+json")
        waited = time.monotonic() - started
        resume.join()
        assert stopped.status == 503 and "exceeded the 4 s wall-clock limit" in (stopped.error or "")
        assert 3.9 <= waited < 6.0
        assert_reaped([pid])
        again = executor.run(COUNT_DATASETS, accept="application/sparql-results+json")
        assert again.status == 200 and executor.worker_pids() != [pid]
    finally:
        executor.close()


# --- the query page and the examples ---------------------------------------------------------


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_query_page_lists_the_examples(server: Server) -> None:
    status, headers, body = http(server.url, accept=BROWSER_ACCEPT)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in page and "<form" in page
    for ex in EXAMPLES:
        assert str(escape(ex.title)) in page
        assert str(escape(ex.query)) in page
    status, _, body = http(server.url, {"example": EXAMPLES[2].slug, "format": "html"})
    textarea = body.decode().split('name="query"')[1].split("</textarea>")[0]
    assert str(escape(EXAMPLES[2].query)) in textarea


def test_query_page_shows_results_as_an_escaped_table(server: Server) -> None:
    query = (
        'SELECT ?text ?link ?web WHERE { BIND("<script>alert(1)</script>" AS ?text) '
        "BIND(<javascript:alert(1)> AS ?link) BIND(<https://example.org/x> AS ?web) }"
    )
    status, _, body = http(server.url, {"query": query}, accept=BROWSER_ACCEPT)
    page = body.decode()
    assert status == 200 and "<table>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert 'href="https://example.org/x"' in page
    status, _, body = http(server.url, {"query": "SELECT * WHERE { ?s ?p }", "format": "html"})
    assert status == 400 and "SPARQL syntax error" in body.decode()


def test_every_example_runs(server: Server, energy) -> None:  # type: ignore[no-untyped-def]
    timings = {}
    answers = {}
    for ex in EXAMPLES:
        started = time.perf_counter()
        status, _, body = http(server.url, {"query": ex.query}, accept="application/sparql-results+json")
        timings[ex.slug] = round((time.perf_counter() - started) * 1000, 1)
        assert status == 200, f"{ex.slug}: {body.decode()}"
        answers[ex.slug] = json.loads(body)["results"]["bindings"]
    print("\nexample query latency (ms):", timings)
    per_source = {b["source"]["value"]: int(b["datasets"]["value"]) for b in answers["datasets-per-source"]}
    assert per_source == {
        f"https://w3id.org/crosswalk/source/{name}": counts["stored"] for name, counts in energy[1].per_source.items()
    }
    failing = {b["source"]["value"]: int(b["failing"]["value"]) for b in answers["failing-validation-per-source"]}
    assert failing == {"https://w3id.org/crosswalk/source/dcatus": 2}
    # the validator and the SPARQL view of the same records agree on missing licences
    reports = energy[1].reports.values()
    unlicensed = sum(1 for r in reports if any(f.message.startswith("No licence") for f in r.findings))
    assert unlicensed > 0 and len(answers["datasets-without-licence"]) == unlicensed
    assert answers["record-provenance"] and all("raw_sha256" in b for b in answers["record-provenance"])


def test_no_data_means_503_with_a_hint(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "SPARQL_TIMEOUT_S": TIMEOUT_S})
    try:
        response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 503
        assert "kg ingest" in response.get_data(as_text=True)
    finally:
        app.extensions["crosswalk"].sparql().close()


# --- the executor on its own -----------------------------------------------------------------


def test_busy_pool_answers_503_after_a_bounded_wait(energy) -> None:  # type: ignore[no-untyped-def]
    with SparqlExecutor(data_dir=energy[0], timeout_s=2, row_cap=100, workers=1, queue_wait_s=0.3) as executor:
        runaway = threading.Thread(target=executor.run, args=(RUNAWAY,), kwargs={"accept": None})
        runaway.start()
        time.sleep(0.8)
        started = time.monotonic()
        busy = executor.run("ASK {}", accept=None)
        waited = time.monotonic() - started
        runaway.join(10)
        assert busy.status == 503 and "busy" in (busy.error or "")
        assert waited < 1.5
        assert executor.run("ASK {}", accept=None).status == 200


def test_a_slow_query_runs_at_the_lowest_cpu_priority_and_its_worker_comes_back(energy) -> None:  # type: ignore[no-untyped-def]
    """A runaway query's worker drops to nice 19 after slow_after_s (ordinary queries keep the CPU
    while it waits for its limit); a fast query never does, and the pool's next query runs at
    normal priority again."""
    with SparqlExecutor(data_dir=energy[0], timeout_s=3, row_cap=100, workers=1, slow_after_s=0.5) as executor:
        assert executor.run("ASK {}", accept=None).status == 200
        (pid,) = executor.worker_pids()
        assert os.getpriority(os.PRIO_PROCESS, pid) == 0  # a fast query: not demoted
        runaway = threading.Thread(target=executor.run, args=(RUNAWAY,), kwargs={"accept": None})
        runaway.start()
        time.sleep(1.5)
        assert os.getpriority(os.PRIO_PROCESS, pid) == 19
        runaway.join(10)
        assert executor.run(COUNT_DATASETS, accept=None).status == 200
        (fresh,) = executor.worker_pids()
        assert fresh != pid and os.getpriority(os.PRIO_PROCESS, fresh) == 0


def test_close_leaves_no_worker_behind(energy) -> None:  # type: ignore[no-untyped-def]
    executor = SparqlExecutor(data_dir=energy[0], timeout_s=5, row_cap=100, workers=3)
    assert executor.worker_pids() == []  # lazy: nothing starts before the first query
    threads = [threading.Thread(target=executor.run, args=(COUNT_DATASETS,), kwargs={"accept": None}) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    pids = executor.worker_pids()
    assert 1 <= len(pids) <= 3
    executor.close()
    assert executor.worker_pids() == []
    assert_reaped(pids)
    assert executor.run("ASK {}", accept=None).status == 503


def test_workers_follow_a_new_checkpoint(tmp_path: Path) -> None:
    ingestor = Ingestor(tmp_path)
    ingestor.ingest([corpus_path("datajson-agencies/consumerfinance.data.json")])
    with SparqlExecutor(data_dir=tmp_path, timeout_s=10, row_cap=100, workers=1) as executor:
        first = json.loads(executor.run(COUNT_DATASETS, accept=None).body)
        ingestor.ingest([corpus_path("datajson-agencies/fcc.data.json")])
        second = json.loads(executor.run(COUNT_DATASETS, accept=None).body)
    before = int(first["results"]["bindings"][0]["n"]["value"])
    after = int(second["results"]["bindings"][0]["n"]["value"])
    assert before > 0 and after > before


# --- pieces: tokenizer, negotiation, writers ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "service", "update"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True, False),
        ("select * { service ?endpoint { ?s ?p ?o } }", True, False),
        ('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }', False, False),
        ("SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }", False, False),
        ("SELECT * WHERE { ?s <http://e/SERVICE> ?service } # SERVICE <http://x/>", False, False),
        ("PREFIX service: <http://e/>\nSELECT * WHERE { ?s service:SERVICE ?o }", False, False),
        ('SELECT * WHERE { ?s ?p "# not a comment"@en . SERVICE <http://x/> { } }', True, False),
        ("PREFIX e: <http://e/>\nINSERT DATA { e:a e:b e:c }", False, True),
        ("BASE <http://e/>\nWITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", False, True),
        ("# comment\n  drop all", False, True),
        ('ASK { ?s ?p "INSERT" }', False, False),
    ],
)
def test_tokenizer_finds_keywords_only(query: str, service: bool, update: bool) -> None:
    shape = scan(query)
    assert (shape.uses_service, shape.is_update) == (service, update)


def test_negotiation_respects_q_values() -> None:
    assert negotiate(None, RESULTS).name == "json"
    assert negotiate("*/*", GRAPH).name == "turtle"
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULTS).name == "xml"
    assert negotiate("application/sparql-results+xml;q=0.1, text/*;q=0.5", RESULTS).name == "csv"
    assert negotiate("application/json", GRAPH).name == "jsonld"
    assert negotiate("text/html", RESULTS) is None
    assert negotiate("text/csv;q=0", RESULTS) is None
    assert prefers_html(BROWSER_ACCEPT) and not prefers_html("*/*") and not prefers_html(None)
    assert accept_for_format("json") == "application/sparql-results+json, application/ld+json"


def test_writers_match_pyoxigraph_on_tricky_terms() -> None:
    """Blank nodes, language tags with direction, triple terms, unbound values and odd
    characters: our capped writers and pyoxigraph's own serializer read back the same."""
    store = ox.Store()
    g = ox.NamedNode("http://e/g")
    store.extend(
        [
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://e/p"), ox.Literal('a\tb\nc"d\\', language="en"), g),
            ox.Quad(
                ox.NamedNode("http://e/x"),
                ox.NamedNode("http://e/p"),
                ox.Literal("مرحبا", language="ar", direction=ox.BaseDirection.RTL),
                g,
            ),
            ox.Quad(
                ox.NamedNode("http://e/x"),
                ox.NamedNode("http://e/p"),
                ox.Literal("1.5e3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
                g,
            ),
            ox.Quad(
                ox.NamedNode("http://e/x"),
                ox.NamedNode("http://e/p"),
                ox.Literal("007", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                g,
            ),
            ox.Quad(
                ox.NamedNode("http://e/x"),
                ox.NamedNode("http://e/p"),
                ox.Literal("x,y", datatype=ox.NamedNode("http://e/dt")),
                g,
            ),
        ]
    )
    query = "SELECT ?s ?o ?t ?none WHERE { ?s ?p ?o BIND(<<( ?s ?p ?o )>> AS ?t) OPTIONAL { ?o ?q ?none } } ORDER BY STR(?o)"
    for name, oxformat in [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ]:
        results = store.query(query, **anonymous_dataset(store))
        variables = [v.value for v in results.variables]
        ours = SOLUTION_WRITERS[name](variables, [tuple(s[v] for v in variables) for s in results])
        theirs = store.query(query, **anonymous_dataset(store)).serialize(format=oxformat)
        assert term_rows(ox.parse_query_results(ours, format=oxformat)) == term_rows(
            ox.parse_query_results(theirs, format=oxformat)
        ), name
    # CSV has no form for triple terms (pyoxigraph 0.5 writes them unquoted): compare without
    query = query.replace("?t ?none", "?none")
    results = store.query(query, **anonymous_dataset(store))
    variables = [v.value for v in results.variables]
    ours = SOLUTION_WRITERS["csv"](variables, [tuple(s[v] for v in variables) for s in results])
    theirs = store.query(query, **anonymous_dataset(store)).serialize(format=ox.QueryResultsFormat.CSV)
    assert list(csv.reader(io.StringIO(ours.decode(), newline=""))) == list(
        csv.reader(io.StringIO(theirs.decode(), newline=""))
    )


def test_worker_processes_use_spawn_not_fork(energy) -> None:  # type: ignore[no-untyped-def]
    with SparqlExecutor(data_dir=energy[0], timeout_s=5, row_cap=10, workers=1) as executor:
        assert executor.run("ASK {}", accept=None).status == 200
        (pid,) = executor.worker_pids()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert any(b"spawn_main" in part for part in cmdline), cmdline
        assert os.getpid() != pid


def test_workers_stop_when_the_server_is_killed(energy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A server killed with SIGKILL cannot clean up: its worker, stuck in a runaway query,
    must notice and end by itself."""
    script = tmp_path / "server.py"
    script.write_text(
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from kg.sparql import SparqlExecutor\n"
        "if __name__ == '__main__':\n"
        "    ex = SparqlExecutor(data_dir=Path(sys.argv[1]), timeout_s=600, row_cap=10, workers=1)\n"
        "    ex.run('ASK {}', accept=None)\n"
        f"    threading.Thread(target=ex.run, args=({RUNAWAY!r},), kwargs={{'accept': None}}).start()\n"
        "    time.sleep(0.5)\n"
        "    print(ex.worker_pids()[0], flush=True)\n"
        "    time.sleep(600)\n"
    )
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, str(script), str(energy[0])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        worker = int(proc.stdout.readline())  # type: ignore[union-attr]
        assert Path(f"/proc/{worker}").exists()
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _running(worker):
            time.sleep(0.2)
        assert not _running(worker), "the orphaned worker is still running its query"
    finally:
        proc.kill()
        proc.wait(10)


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        state = status.read_text().split("State:")[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"  # a zombie no longer runs; reaping it is init's job once orphaned


@pytest.mark.slow
def test_cross_source_links_example_finds_what_the_linker_wrote(tmp_path: Path) -> None:
    """Example (d) on real links: `kg link` (the real model) over two small catalogs."""
    from kg.linking.linker import link

    Ingestor(tmp_path).ingest(
        [corpus_path("datajson-agencies/consumerfinance.data.json"), corpus_path("datajson-agencies/fcc.data.json")]
    )
    linked = link(tmp_path, threshold=0.3)
    assert linked.links > 0
    with SparqlExecutor(data_dir=tmp_path, timeout_s=10, row_cap=1000, workers=1) as executor:
        result = executor.run(example("cross-source-links").query, accept=None)
    assert result.status == 200, result.error
    rows = json.loads(result.body)["results"]["bindings"]
    assert len(rows) == min(linked.links, 100)
    assert all(r["a_source"]["value"] != r["b_source"]["value"] for r in rows)
    scores = [float(r["score"]["value"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 0.3
