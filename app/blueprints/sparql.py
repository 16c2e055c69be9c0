"""/sparql: the SPARQL 1.1 Protocol query endpoint (https://www.w3.org/TR/sparql11-protocol/
§2.1) and, for a browser, a query page with examples for data stewards.

* GET ``?query=...&default-graph-uri=...&named-graph-uri=...`` (§2.1.1)
* POST ``application/x-www-form-urlencoded`` with ``query=`` (§2.1.2)
* POST ``application/sparql-query`` with the query as the body; dataset in the URL (§2.1.3)
* ``update=`` or ``application/sparql-update``: 403, the endpoint is read-only.

The result format follows the Accept header (q-values respected) unless ``format=`` names one
(kg.sparql.formats). ``format=html``, or a browser that sent no ``format``, gets the query page
with the results as a table. The view only parses the request; kg.sparql does the rest.

The page works without JavaScript (a form and a server-rendered table). When the YASGUI bundle
built by ``.ci/build-ui`` is in ``static/vendor/yasgui/``, ``static/sparql.js`` mounts the
YASGUI editor (syntax highlighting, prefix completion from ``kg.sparql.examples.PREFIXES``) and
results table over it. The page's Content-Security-Policy lets it load and fetch from this
origin only, so no browser request leaves the server the page came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from app.auth import scoped
from app.services import NoDataError
from kg.sparql.examples import EXAMPLES, PREFIXES, example
from kg.sparql.formats import accept_for_format, format_names, prefers_html
from kg.sparql.messages import SparqlResult

bp = Blueprint("sparql", __name__)

# What the query page asks for: a results table for SELECT/ASK, Turtle for graphs.
PAGE_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
PAGE_FORMATS = [
    ("html", "Table in this page"),
    ("json", "SPARQL JSON / JSON-LD"),
    ("xml", "SPARQL XML / RDF/XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("turtle", "Turtle"),
    ("ntriples", "N-Triples"),
    ("jsonld", "JSON-LD"),
    ("rdfxml", "RDF/XML"),
]
READ_ONLY = "this endpoint is read-only: send queries, not updates (SPARQL Update is disabled)"
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
# The editor bundle (.ci/build-ui); without it the page is the plain form.
EDITOR_BUNDLE = ("vendor/yasgui/yasgui.min.js", "vendor/yasgui/yasgui.min.css")
# Scripts, styles and fetches from this origin only; no inline script (the config is JSON
# data). Inline styles stay allowed: CodeMirror and the results table set them.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ParsedRequest:
    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    accept: str | None  # what to ask the executor for (format= turned into an Accept)
    html: bool  # answer with the query page


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    note: str = ""  # language tag or datatype, shown beside the value
    kind: str = "literal"


def _params() -> MultiDict[str, str]:
    """Query-string and (for a form POST) body parameters, body first."""
    params: MultiDict[str, str] = MultiDict()
    if request.method == "POST" and request.mimetype == FORM_TYPE:
        for key, value in request.form.items(multi=True):
            params.add(key, value)
    for key, value in request.args.items(multi=True):
        params.add(key, value)
    return params


def _parse() -> ParsedRequest:
    params = _params()
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if mimetype == QUERY_TYPE:
            if "query" in params:
                raise ProtocolError(400, "a direct POST carries the query in the body, not in query=")
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query body is not UTF-8") from None
        elif mimetype == FORM_TYPE:
            queries = params.getlist("query")
        else:
            raise ProtocolError(
                415,
                f"POST a query as {FORM_TYPE} (query=...) or as {QUERY_TYPE}; got {mimetype or 'no type'}",
            )
    else:
        queries = params.getlist("query")
    if "update" in params:
        raise ProtocolError(403, READ_ONLY)
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query parameter")

    accept = request.headers.get("Accept")
    html = False
    formats = [f.strip().lower() for f in params.getlist("format") if f.strip()]
    if formats:
        chosen = next((f for f in formats if f == "html" or accept_for_format(f)), None)
        if chosen is None:
            names = ", ".join(["html", *format_names()])
            raise ProtocolError(400, f"unknown format {formats[0]!r}; choose one of: {names}")
        html = chosen == "html"
        accept = PAGE_ACCEPT if html else accept_for_format(chosen)
    elif prefers_html(accept):
        html = True
        accept = PAGE_ACCEPT
    return ParsedRequest(
        query=queries[0] if queries else None,
        default_graphs=[g for g in params.getlist("default-graph-uri") if g.strip()],
        named_graphs=[g for g in params.getlist("named-graph-uri") if g.strip()],
        accept=accept,
        html=html,
    )


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():  # type: ignore[no-untyped-def]
    try:
        parsed = _parse()
    except ProtocolError as exc:
        if prefers_html(request.headers.get("Accept")):
            return _page(request.values.get("query", ""), error=exc.message, status=exc.status)
        return _text(exc.status, exc.message)

    if parsed.query is None:
        if parsed.html:
            chosen = example(request.args.get("example", "")) or EXAMPLES[0]
            return _page(chosen.query)
        return _text(
            400,
            f"give a SPARQL query: GET /sparql?query=..., or POST it as {FORM_TYPE} (query=...) or {QUERY_TYPE}",
        )

    try:
        executor = current_app.extensions["crosswalk"].sparql()
        spec = scoped()[1]  # the caller's graphs only (kg.governance.views)
    except NoDataError as exc:
        result = SparqlResult.failure(503, str(exc))
    else:
        result = executor.run(
            parsed.query,
            accept=parsed.accept,
            default_graph_uris=parsed.default_graphs or None,
            named_graph_uris=parsed.named_graphs or None,
            scope=spec,
        )
    if parsed.html:
        page = _page(parsed.query, result=result, status=result.status)
        if result.truncated:
            page.headers["X-Crosswalk-Truncated"] = "true"
        return page
    response = Response(result.body, status=result.status, content_type=result.content_type)
    response.headers["Vary"] = "Accept"
    if result.truncated:
        response.headers["X-Crosswalk-Truncated"] = "true"
    return response


# --- the query page ----------------------------------------------------------------------


def _cell(binding: dict[str, Any] | None) -> Cell:
    if binding is None:
        return Cell("", kind="unbound")
    kind = binding.get("type", "literal")
    value = binding.get("value")
    if kind == "uri":
        # Only web links become links: an IRI may be javascript:... and still be a valid IRI.
        href = value if value.startswith(("http://", "https://")) else None
        return Cell(value, href=href, kind="uri")
    if kind == "bnode":
        return Cell(f"_:{value}", kind="bnode")
    if kind == "triple":
        parts = [_cell(value.get(k)).text for k in ("subject", "predicate", "object")]
        return Cell("<< " + " ".join(parts) + " >>", kind="triple")
    note = ""
    if "xml:lang" in binding:
        note = "@" + binding["xml:lang"]
    elif "datatype" in binding:
        datatype = binding["datatype"]
        note = (
            "^^xsd:" + datatype.rsplit("#", 1)[1]
            if datatype.startswith("http://www.w3.org/2001/XMLSchema#")
            else f"^^<{datatype}>"
        )
    return Cell(value, note=note)


def _editor_assets() -> bool:
    """Whether the editor bundle has been built into static/ (``bash .ci/build-ui``)."""
    static = Path(current_app.static_folder or "")
    return all((static / name).is_file() for name in EDITOR_BUNDLE)


def _page(query: str, *, result: SparqlResult | None = None, error: str | None = None, status: int = 200) -> Response:
    config = current_app.config
    context: dict[str, Any] = {
        "query": query,
        "format": "html",
        "formats": PAGE_FORMATS,
        "examples": EXAMPLES,
        "timeout_s": config.get("SPARQL_TIMEOUT_S"),
        "row_cap": config.get("SPARQL_ROW_CAP"),
        "editor_assets": _editor_assets(),
        "editor_config": {
            "endpoint": url_for("sparql.sparql"),
            "prefixes": PREFIXES,
            "row_cap": config.get("SPARQL_ROW_CAP"),
        },
        "error": error,
        "result": result,
        "columns": None,
        "rows": None,
        "boolean": None,
        "graph_text": None,
    }
    if result is not None and not result.ok:
        context["error"] = result.error
    elif result is not None and result.format == "json":
        doc = json.loads(result.body)
        if "boolean" in doc:
            context["boolean"] = doc["boolean"]
        else:
            columns = doc["head"]["vars"]
            context["columns"] = columns
            context["rows"] = [[_cell(b.get(v)) for v in columns] for b in doc["results"]["bindings"]]
    elif result is not None:
        context["graph_text"] = result.body.decode("utf-8", errors="replace")
    response = Response(
        render_template("sparql.html", **context), status=status, content_type="text/html; charset=utf-8"
    )
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Vary"] = "Accept"
    return response
