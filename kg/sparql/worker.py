"""The query worker: a process that holds a read-only checkpoint open and answers queries.

pyoxigraph (0.5) cannot cancel a query, so each query runs in a worker process that the
executor can kill at the time limit. A worker serves one query at a time over a pipe, opens the
checkpoint named in each request read-only, and reopens when ingest has made a newer one.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.sparql.formats import GRAPH, RESULTS, ResultFormat, formats_of, negotiate
from kg.sparql.messages import QueryRequest, SparqlResult
from kg.sparql.results import BOOLEAN_WRITERS, SOLUTION_WRITERS

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

# Prefixes offered to Turtle and RDF/XML output besides those the query declares.
DEFAULT_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "sh": "http://www.w3.org/ns/shacl#",
    "cw": "https://w3id.org/crosswalk/ns#",
}

# RDF/XML writes a predicate as an XML element name, so the IRI must end in an NCName
# (RDF/XML §2.2); pyoxigraph 0.5 writes a broken element (``<oxprefix:>``) otherwise.
_NCNAME_TAIL = re.compile(r"[^\W\d][\w.\-\u00B7]*$")


def serve(conn: Connection) -> None:
    """Worker main loop: answer ``QueryRequest``s until the pipe closes or None arrives."""
    # Ctrl-C in the server's terminal is for the parent, which stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    conn.send(("ready", os.getpid()))
    store: ox.Store | None = None
    opened: str | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            if store is None or request.checkpoint != opened:
                store = None  # release the old checkpoint before opening the new one
                store = ox.Store.read_only(request.checkpoint)
                opened = request.checkpoint
            result = execute(store, request)
        except Exception as exc:  # the worker must survive any one bad query
            result = SparqlResult.failure(500, f"query failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


def _exit_when_orphaned(parent: int) -> None:
    """End this worker soon after its server dies, even mid-query.

    A server killed with SIGKILL cannot stop its workers; an idle worker sees the pipe close,
    but one inside a runaway query would run on for ever. pyoxigraph releases the GIL while
    it evaluates, so this thread keeps running during a query.
    """
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _not_acceptable(kind: str, form: str) -> SparqlResult:
    offered = ", ".join(f.media_type for f in formats_of(kind))
    return SparqlResult.failure(
        406, f"none of the requested formats can carry {form} results; offered: {offered}", form=form
    )


_layouts: dict[str, object] = {}
_scopes: dict[tuple[object, ...], object] = {}


def _scoped_options(store: ox.Store, request: QueryRequest) -> dict[str, object]:
    """The caller's graphs (kg.governance.views, the same rule the web views use): the scope's
    default and named graphs, or the dataset the request names cut to them."""
    from kg.governance.views import layout, scope_of

    assert request.scope is not None
    lay = _layouts.get(request.checkpoint)
    if lay is None:
        _layouts.clear()
        lay = _layouts[request.checkpoint] = layout(store)
    key = (request.checkpoint, request.scope)
    scope = _scopes.get(key)
    if scope is None:
        units, staff, admin = request.scope
        scope = scope_of(lay, units, staff=staff, admin=admin)  # type: ignore[arg-type]
        if len(_scopes) > 32:
            _scopes.clear()
        _scopes[key] = scope
    if request.default_graphs is not None or request.named_graphs is not None:
        return scope.restrict(request.default_graphs, request.named_graphs)
    return scope.query_options(request.query)  # type: ignore[attr-defined]


def _dataset_options(request: QueryRequest) -> dict[str, object]:
    """SPARQL 1.1 Protocol §2.1.4: default-graph-uri / named-graph-uri, when given, make the
    whole dataset (a graph list not given is empty); else the query's FROM clauses; else the
    union of every graph."""
    if request.default_graphs is not None or request.named_graphs is not None:
        return {
            "default_graph": [ox.NamedNode(g) for g in request.default_graphs or ()],
            "named_graphs": [ox.NamedNode(g) for g in request.named_graphs or ()],
        }
    if request.union_default_graph:
        return {"use_default_graph_as_union": True}
    return {}


def execute(store: ox.Store, request: QueryRequest) -> SparqlResult:
    """Run one query on ``store`` and write its results in the negotiated format."""
    try:
        options = _scoped_options(store, request) if request.scope is not None else _dataset_options(request)
        results = store.query(request.query, **options)
    except SyntaxError as exc:
        return SparqlResult.failure(400, f"SPARQL syntax error: {exc}")
    except ValueError as exc:
        return SparqlResult.failure(400, f"bad query: {exc}")
    try:
        if isinstance(results, ox.QueryBoolean):
            fmt = negotiate(request.accept, RESULTS)
            if fmt is None:
                return _not_acceptable(RESULTS, "ASK")
            body = BOOLEAN_WRITERS[fmt.name](bool(results))
            return SparqlResult(200, fmt.content_type, body, form="ASK", format=fmt.name)
        if isinstance(results, ox.QuerySolutions):
            fmt = negotiate(request.accept, RESULTS)
            if fmt is None:
                return _not_acceptable(RESULTS, "SELECT")
            return _write_solutions(results, fmt, request.row_cap)
        fmt = negotiate(request.accept, GRAPH)
        if fmt is None:
            return _not_acceptable(GRAPH, "CONSTRUCT/DESCRIBE")
        return _write_triples(results, fmt, request)
    except OSError as exc:
        return SparqlResult.failure(500, f"query evaluation failed: {exc}")


def _write_solutions(results: ox.QuerySolutions, fmt: ResultFormat, row_cap: int) -> SparqlResult:
    variables = [v.value for v in results.variables]
    width = range(len(variables))
    rows = []
    truncated = False
    for solution in results:
        if len(rows) >= row_cap:
            truncated = True
            break
        rows.append(tuple(solution[i] for i in width))
    body = SOLUTION_WRITERS[fmt.name](variables, rows)
    return SparqlResult(200, fmt.content_type, body, truncated=truncated, form="SELECT", format=fmt.name)


def _write_triples(results: ox.QueryTriples, fmt: ResultFormat, request: QueryRequest) -> SparqlResult:
    triples = []
    truncated = False
    for triple in results:
        if len(triples) >= request.row_cap:
            truncated = True
            break
        triples.append(triple)
    form = "CONSTRUCT/DESCRIBE"
    if fmt.name == "rdfxml":
        for triple in triples:
            if not _NCNAME_TAIL.search(triple.predicate.value):
                return SparqlResult.failure(
                    406,
                    f"RDF/XML cannot write the predicate <{triple.predicate.value}> (its IRI does"
                    " not end in an XML name); ask for Turtle, N-Triples or JSON-LD",
                    form=form,
                )
    prefixes = {**DEFAULT_PREFIXES, **request.prefixes} if fmt.name in ("turtle", "rdfxml") else None
    try:
        try:
            body = ox.serialize(triples, format=RDF_FORMATS[fmt.name], prefixes=prefixes)
        except ValueError:
            # A prefix the query declared that the writer refuses: write full IRIs instead.
            body = ox.serialize(triples, format=RDF_FORMATS[fmt.name])
    except OSError as exc:
        return SparqlResult.failure(406, f"cannot write these triples as {fmt.media_type}: {exc}", form=form)
    return SparqlResult(200, fmt.content_type, body, truncated=truncated, form=form, format=fmt.name)
