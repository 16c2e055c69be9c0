"""Endpoint safety (issue 6, point 4): nothing a query or a document names is fetched unless
``KG_FETCH_ALLOWLIST`` names it; per-client rate limit; request body cap; security headers;
metadata shown as text, never as markup.

Every "nothing was fetched" claim is checked against a real HTTP server on loopback that counts
the requests it gets (``Loopback``): it answers what a fetch would want (a JSON-LD context, a
SPARQL result, an entity declaration), so a fetch that happened would also have succeeded.
"""

from __future__ import annotations

import http.client
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from lxml import etree
from rdflib import Graph

from app import create_app, safety
from app.blueprints.sparql import PAGE_CSP
from kg import netpolicy
from kg.errors import LiftError
from kg.lifting import dcat_rdf, get_lifter, xmlsafe
from kg.linking.linker import link
from kg.ntriples import nt_lines
from kg.pipeline import Ingestor
from kg.sparql.lexer import scan
from tests.conftest import ROOT, corpus_path, serve_app

XSS_CATALOG = ROOT / "tests" / "data" / "safety_xss.data.json"
SECRET = "TOP-SECRET-FILE-CONTENT"
LEAKS = (SECRET, "LEAKED-OVER-HTTP")
DCAT_CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/"}
ONE_ROW = {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "remote"}}]}}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Loopback:
    """A real HTTP server on 127.0.0.1 that records every request (method, path)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                owner.requests.append((self.command, self.path))
                status, headers, body = owner.route(self.command, self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/sparql"):
            return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(ONE_ROW).encode()
        if path.startswith("/redirect"):
            return 302, {"Location": "http://elsewhere.invalid/ctx.jsonld"}, b""
        if path.endswith(".jsonld"):
            return 200, {"Content-Type": "application/ld+json"}, json.dumps({"@context": DCAT_CONTEXT}).encode()
        return 200, {"Content-Type": "application/xml-dtd"}, b'<!ENTITY leak "LEAKED-OVER-HTTP">'

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def net(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    """The loopback server with its request log emptied, and an empty allowlist."""
    loopback.requests.clear()
    monkeypatch.delenv(netpolicy.SETTING, raising=False)
    dcat_rdf._FETCHED_CONTEXTS.clear()
    return loopback


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, loopback: Loopback) -> tuple[Path, list[tuple[str, str]]]:
    """Our hostile data.json and a DCAT Turtle record with owl:imports pointing at the loopback
    server, ingested (lift, validate, store) and linked; and what the server was asked meanwhile."""
    loopback.requests.clear()
    root = tmp_path_factory.mktemp("safety")
    inbox = root / "owl"
    inbox.mkdir()
    (inbox / "safety-owl-imports.ttl").write_text(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://example.org/safety/onto> owl:imports <{loopback.base}/imported.ttl> .\n"
        '<https://example.org/safety/ice> a dcat:Dataset ; dct:identifier "safety-owl-imports" ;\n'
        '  dct:title "Ice core chemistry" ; dct:description "Major ions in an ice core." ;\n'
        f"  owl:imports <{loopback.base}/onto.ttl> .\n",
        encoding="utf-8",
    )
    store = root / "data"
    result = Ingestor(store).ingest([XSS_CATALOG, inbox])
    assert result.per_source["safety_xss"]["stored"] == 2 and result.per_source["owl"]["stored"] == 1
    link(store)
    return store, list(loopback.requests)


@pytest.fixture(scope="module")
def app(data: tuple[Path, list[tuple[str, str]]]):  # type: ignore[no-untyped-def]
    application = create_app({"DATA_DIR": str(data[0]), "SPARQL_TIMEOUT_S": 20, "SPARQL_WORKERS": 1})
    yield application
    application.extensions["crosswalk"].close()


@pytest.fixture(scope="module")
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def sparql(client, query: str, accept: str = "application/sparql-results+json"):  # type: ignore[no-untyped-def]
    return client.get("/sparql?" + urlencode({"query": query}), headers={"Accept": accept})


# --- 1. the allowlist --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowlist", "url", "allowed"),
    [
        ("", "https://example.org/ctx.jsonld", False),
        ("example.org", "https://example.org/ctx.jsonld", True),
        ("example.org", "http://EXAMPLE.org./a", True),
        ("example.org", "https://example.org:8443/a", False),
        ("example.org:8443", "https://example.org:8443/a", True),
        ("example.org:*", "http://example.org:9999/a", True),
        ("example.org", "https://sub.example.org/a", False),
        ("example.org", "https://example.org.evil.net/a", False),
        ("https://example.org/ctx", "https://example.org/ctx", True),
        ("https://example.org/ctx", "https://example.org/ctx/v2.jsonld", True),
        ("https://example.org/ctx", "https://example.org/ctx?x=1", True),
        ("https://example.org/ctx", "https://example.org/ctx-evil", False),
        ("https://example.org/ctx/", "https://example.org/ctx/a", True),
        ("https://example.org/ctx", "http://example.org/ctx", False),
        ("https://example.org/", "https://example.org:443/anything", True),
        ("example.org", "ftp://example.org/a", False),
        ("example.org", "file:///etc/passwd", False),
        ("example.org", "https://example.org@evil.net/a", False),
        ("example.org", "https://evil.net@example.org/a", False),
        ("127.0.0.1", "http://127.1/a", False),
        ("127.0.0.1", "http://2130706433/a", False),
        ("[::1]:8080", "http://[::1]:8080/sparql", True),
        ("a.org, b.org c.org", "https://c.org/x", True),
        ("example.org", "/relative/ctx.jsonld", False),
        ("example.org", None, False),
    ],
)
def test_allowlist_entries(allowlist: str, url: str | None, allowed: bool) -> None:
    assert netpolicy.is_allowed(url, allowlist=allowlist) is allowed


def test_allowlist_is_read_from_the_setting_and_empty_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(netpolicy.SETTING, raising=False)
    assert not netpolicy.is_allowed("https://example.org/a")
    monkeypatch.setenv(netpolicy.SETTING, "example.org")
    assert netpolicy.is_allowed("https://example.org/a")


@pytest.mark.parametrize("bad", ["*", "ftp://example.org/", "example.org/path", "user@example.org", "http://"])
def test_a_malformed_setting_allows_nothing_and_says_which_entry(bad: str) -> None:
    assert not netpolicy.is_allowed("https://example.org/a", allowlist=f"example.org {bad}")
    with pytest.raises(netpolicy.FetchRefused, match=re.escape(repr(bad))):
        netpolicy.check("https://example.org/a", "test fetch", allowlist=f"example.org {bad}")


def test_check_names_the_address_what_and_the_setting() -> None:
    with pytest.raises(netpolicy.FetchRefused) as info:
        netpolicy.check("https://example.org/ctx.jsonld", "remote JSON-LD context", allowlist="")
    assert str(info.value) == (
        "remote JSON-LD context https://example.org/ctx.jsonld is not fetched: "
        "KG_FETCH_ALLOWLIST is empty, so nothing is fetched"
    )
    with pytest.raises(netpolicy.FetchRefused, match="KG_FETCH_ALLOWLIST does not name it"):
        netpolicy.check("https://example.org/ctx.jsonld", "context", allowlist="other.org")
    assert netpolicy.check("https://other.org/x", "context", allowlist="other.org") == "https://other.org/x"


def test_guard_stops_rdflib_fetching_a_remote_context(net: Loopback) -> None:
    """The last line behind the lifters' own refusals: rdflib's JSON-LD parser, run directly on a
    document with a remote context, fetches it; inside guard() it cannot."""
    document = json.dumps({"@context": f"{net.base}/ctx.jsonld", "@id": "https://e.org/d", "dcterms:title": "T"})
    with pytest.raises(netpolicy.FetchRefused, match="KG_FETCH_ALLOWLIST is empty"):
        with netpolicy.guard("remote JSON-LD context"):
            Graph().parse(data=document, format="json-ld")
    assert net.requests == []


# --- 2. remote JSON-LD contexts ----------------------------------------------------------------


def lift(name: str, data: bytes, filename: str) -> str:
    """N-Triples of what lifter ``name`` lifts from ``data`` (a LiftError propagates)."""
    lifter = get_lifter(name)
    lines: list[str] = []
    for piece in lifter.split(data, source_file=filename):
        if isinstance(piece, LiftError):
            raise piece
        lines += nt_lines(lifter.lift(piece, source="safety").graph)
    return "\n".join(lines)


def dcat_jsonld(context: object) -> bytes:
    node = {"@id": "https://example.org/d", "@type": "dcat:Dataset", "dcterms:identifier": "d-1"}
    return json.dumps({"@context": context, **node, "dcterms:title": "Sea ice extent"}).encode()


def test_remote_context_is_not_fetched_unless_allowlisted(net: Loopback) -> None:
    with pytest.raises(LiftError, match="field @context: remote JSON-LD context .* is not fetched.*KG_FETCH_ALLOWLIST"):
        lift("dcat-rdf", dcat_jsonld(f"{net.base}/ctx.jsonld"), "remote.jsonld")
    with pytest.raises(LiftError, match=r"\(@import\) is not fetched \(KG_FETCH_ALLOWLIST is empty"):
        lift("dcat-rdf", dcat_jsonld({"@import": f"{net.base}/ctx.jsonld"}), "import.jsonld")
    assert net.requests == []


def test_an_allowlisted_context_is_fetched_once_and_used(net: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(netpolicy.SETTING, f"{net.base}/contexts/")
    for name in ("a", "b"):
        lifted = lift("dcat-rdf", dcat_jsonld(f"{net.base}/contexts/dcat.jsonld"), f"{name}.jsonld")
        assert '<http://purl.org/dc/terms/title> "Sea ice extent"' in lifted
    imported = lift("dcat-rdf", dcat_jsonld({"@import": f"{net.base}/contexts/dcat.jsonld"}), "c.jsonld")
    assert '"Sea ice extent"' in imported
    assert net.requests == [("GET", "/contexts/dcat.jsonld")]  # once per process
    # outside the prefix: refused, not fetched
    with pytest.raises(LiftError, match="KG_FETCH_ALLOWLIST does not name it"):
        lift("dcat-rdf", dcat_jsonld(f"{net.base}/other/dcat.jsonld"), "d.jsonld")
    assert len(net.requests) == 1


def test_a_redirect_off_the_allowlist_is_refused(net: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(netpolicy.SETTING, net.base)
    with pytest.raises(LiftError, match=r"redirected from .*elsewhere\.invalid/ctx\.jsonld is not fetched"):
        lift("dcat-rdf", dcat_jsonld(f"{net.base}/redirect.jsonld"), "redirect.jsonld")
    assert net.requests == [("GET", "/redirect.jsonld")]


def test_the_schemaorg_lifter_never_fetches_a_context_even_when_allowlisted(
    net: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(netpolicy.SETTING, net.base)
    data = json.dumps(
        {"@context": f"{net.base}/ctx.jsonld", "@type": "Dataset", "name": "Sea ice", "description": "x" * 60}
    ).encode()
    with pytest.raises(LiftError, match="remote JSON-LD context .* is not fetched"):
        lift("schemaorg-jsonld", data, "schema.jsonld")
    assert net.requests == []


# --- 3. XML: external entities, DTDs, XInclude -------------------------------------------------

XML_SAMPLES = {
    "datacite-xml": "datacite-schema/source/meta/kernel-4/example/datacite-example-full-v4.xml",
    "eml": "slendernodes-sosorg/eml/eml_v211_example.xml",
    "fgdc-csdgm": "ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/waf-fgdc/fgdc-csdgm_sample.xml",
    "iso19139": "slendernodes-sosorg/iso19139/arm_nsasondewnpnS01.b1.xml",
}  # fmt: skip


def xml_sample(name: str) -> str:
    if name == "oai-dc":
        return (ROOT / "tests/data/oai_dc-standalone-dspace.xml").read_text(encoding="utf-8")
    if name == "dcat-rdf":  # RDF/XML
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">'
            '<dcat:Dataset rdf:about="https://example.org/d"><dct:identifier>d-1</dct:identifier>'
            "<dct:title>Sea ice extent</dct:title></dcat:Dataset></rdf:RDF>"
        )
    return corpus_path(XML_SAMPLES[name]).read_text(encoding="utf-8-sig")


def with_entity(text: str, doctype: str, reference: str) -> str:
    """The document with ``doctype`` after its XML declaration and ``reference`` put at the start
    of the first element that holds text (a title, an identifier)."""
    text = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", text, count=1, flags=re.DOTALL)
    declaration = re.match(r"\s*<\?xml[^>]*\?>", text)
    at = declaration.end() if declaration else 0
    text = text[:at] + "\n" + doctype + text[at:]
    new, count = re.subn(r"(<[A-Za-z_][^<>]*[^/<>]>)(?=[^<\s])", lambda m: m.group(1) + reference, text, count=1)
    assert count
    return new


@pytest.mark.parametrize("name", ["datacite-xml", "eml", "fgdc-csdgm", "iso19139", "oai-dc", "dcat-rdf"])
def test_xxe_reads_no_file_and_fetches_nothing(name: str, net: Loopback, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    text = xml_sample(name)
    clean = lift(name, text.encode("utf-8"), f"clean-{name}.xml")
    assert clean  # the record lifts without the payload
    payloads = {
        "file": (f'<!DOCTYPE root [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
        "http": (f'<!DOCTYPE root [<!ENTITY xxe SYSTEM "{net.base}/entity">]>', "&xxe;"),
        "parameter": (f'<!DOCTYPE root [<!ENTITY % ext SYSTEM "{net.base}/param.dtd"> %ext;]>', "&leak;"),
        "external-dtd": (f'<!DOCTYPE root SYSTEM "{net.base}/external.dtd">', ""),
    }
    for variant, (doctype, reference) in payloads.items():
        hostile = with_entity(text, doctype, reference)
        for encoded in (
            hostile.encode("utf-8"),
            hostile.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        ):
            with pytest.raises(LiftError) as info:
                lift(name, encoded, f"{variant}.xml")
            # refused for its DOCTYPE (UTF-16 hides it from the byte scan: then the parsed
            # document is refused for it, or for the entity it never defined)
            assert info.value.field == "DOCTYPE" or "not defined" in str(info.value), (variant, str(info.value))
            assert not any(leak in str(info.value) for leak in LEAKS)
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret.as_uri()}" parse="text"/>'
    included = re.sub(r"(<[A-Za-z_][^<>?!]*[^/<>?]>)", lambda m: m.group(1) + include, text, count=1)
    try:
        output = lift(name, included.encode("utf-8"), "xinclude.xml")
    except LiftError as exc:
        output = str(exc)
    assert SECRET not in output
    assert net.requests == []


def test_the_xml_parser_itself_expands_and_loads_nothing(net: Loopback, tmp_path: Path) -> None:
    """Behind the refusal of DOCTYPEs: the parser the XML lifters share, handed the payloads
    directly, leaves every entity unexpanded, reads no file and opens no connection."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET-FILE-CONTENT">', encoding="utf-8")
    documents = [
        f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]><r>&xxe;</r>',
        f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{net.base}/entity">]><r>&xxe;</r>',
        f'<!DOCTYPE r [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]><r>&leak;</r>',
        f'<!DOCTYPE r [<!ENTITY % ext SYSTEM "{net.base}/param.dtd"> %ext;]><r>&leak;</r>',
        f'<!DOCTYPE r SYSTEM "{net.base}/external.dtd"><r>&leak;</r>',
        f'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{secret.as_uri()}" parse="text"/></r>',
    ]
    for document in documents:
        root = etree.fromstring(document.encode("utf-8"), xmlsafe._xml_parser())
        assert not any(leak in etree.tostring(root, encoding="unicode") for leak in LEAKS + ("LEAKED",))
    # rdflib's RDF/XML parser (Python's SAX/expat) reads no external entity either
    rdf = (
        f'<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
        '<rdf:Description rdf:about="https://e.org/d"><dct:title>&xxe;</dct:title></rdf:Description></rdf:RDF>'
    )
    with netpolicy.guard("test"):
        assert SECRET not in Graph().parse(data=rdf, format="xml").serialize(format="nt")
    assert net.requests == []


# --- 4. owl:imports ----------------------------------------------------------------------------


def test_owl_imports_in_an_ingested_record_are_never_followed(data, client) -> None:  # type: ignore[no-untyped-def]
    _, asked_during_ingest = data
    assert asked_during_ingest == []  # lift, SHACL validation, store, link: nothing fetched
    response = sparql(
        client,
        'SELECT ?t WHERE { ?d <http://purl.org/dc/terms/identifier> "safety-owl-imports" ; '
        "<http://purl.org/dc/terms/title> ?t }",
    )
    assert response.status_code == 200
    assert [b["t"]["value"] for b in response.get_json()["results"]["bindings"]] == ["Ice core chemistry"]


# --- 5. SPARQL SERVICE and LOAD ----------------------------------------------------------------


def test_lexer_lists_every_service_target() -> None:
    assert scan("SELECT * { SERVICE <http://a/s> { ?s ?p ?o } SERVICE SILENT <http://b/s> {} }").services == (
        "http://a/s",
        "http://b/s",
    )
    assert scan("PREFIX e: <http://e.org/> SELECT * { service e:sparql\\.v1 { } }").services == (
        "http://e.org/sparql.v1",
    )
    assert scan("BASE <http://e.org/x/> SELECT * { SERVICE <../sparql> { } }").services == ("http://e.org/sparql",)
    assert scan("SELECT * { SERVICE ?endpoint { } }").services == (None,)
    assert scan("SELECT * { SERVICE <relative> { } }").services == (None,)
    assert scan("SELECT * { SERVICE undeclared:x { } }").services == (None,)
    assert scan('SELECT * { ?s ?p "SERVICE <http://x/>" }').services == ()


def test_service_is_refused_naming_the_target_and_the_setting(client, net: Loopback) -> None:  # type: ignore[no-untyped-def]
    target = f"{net.base}/sparql"
    response = sparql(client, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 400
    message = response.get_data(as_text=True)
    assert "SERVICE is disabled on this endpoint" in message
    assert f"SERVICE <{target}> is refused" in message and "KG_FETCH_ALLOWLIST is empty" in message
    assert net.requests == []


def test_service_to_an_allowlisted_endpoint_is_answered(client, net: Loopback, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(netpolicy.SETTING, f"{net.base}/sparql")
    response = sparql(client, f"PREFIX r: <{net.base}/> SELECT ?s WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"]["bindings"] == [{"s": {"type": "literal", "value": "remote"}}]
    assert net.requests == [("POST", "/sparql")]  # pyoxigraph sends the sub-query there, once
    # one allowed target does not let another through
    net.requests.clear()
    both = f"SELECT * WHERE {{ SERVICE <{net.base}/sparql> {{ ?s ?p ?o }} SERVICE <{net.base}/admin> {{ ?a ?b ?c }} }}"
    response = sparql(client, both)
    assert response.status_code == 400
    assert f"SERVICE <{net.base}/admin> is refused (KG_FETCH_ALLOWLIST does not name it)" in response.get_data(
        as_text=True
    )
    # a variable target is never allowed: the policy cannot know where it goes
    monkeypatch.setenv(netpolicy.SETTING, "127.0.0.1:*")
    response = sparql(client, f"SELECT * WHERE {{ BIND(<{net.base}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}")
    assert response.status_code == 400 and "a variable" in response.get_data(as_text=True)
    assert net.requests == []


def test_load_stays_refused_even_to_an_allowlisted_address(client, net: Loopback, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(netpolicy.SETTING, net.base)
    for body in (f"LOAD <{net.base}/data.ttl>", f"LOAD SILENT <{net.base}/data.ttl> INTO GRAPH <urn:g>"):
        response = client.post("/sparql", data={"update": body})
        assert response.status_code == 403
        response = sparql(client, body)
        assert response.status_code == 403 and "read-only" in response.get_data(as_text=True)
    assert net.requests == []


# --- 6. metadata is text, never markup --------------------------------------------------------

PAYLOADS = ("<script>alert(", "<img src=x", "<svg onload", "<b>Team</b>", "</script><script>")


def test_search_page_shows_hostile_metadata_as_text(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/search?q=permafrost", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Permafrost" in html
    for payload in PAYLOADS:
        assert payload not in html, payload
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert [m.group(0) for m in re.finditer(r"<script[^>]*>", html)] == ['<script src="/static/search.js" defer>']


def test_landing_page_shows_hostile_metadata_as_text(client) -> None:  # type: ignore[no-untyped-def]
    hit = client.get("/api/search?q=permafrost").get_json()["hits"][0]
    response = client.get(hit["url"].replace("http://localhost", ""), headers={"Accept": BROWSER})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head, _, rest = html.partition('<script type="application/ld+json">')
    block, _, body = rest.partition("</script>")
    for payload in PAYLOADS:
        assert payload not in head + body, payload
    for text in ("alert(1)", "alert(4)", "alert(6)", "alert(8)", "alert(10)"):
        assert text in body, f"{text}: the value is not shown at all"
    assert not re.search(r"(?i)(href|src)=[\"']?\s*javascript:", html)  # the javascript: landing page is no link
    for tag in re.finditer(r"<(img|svg|iframe|object|embed)\b", body):
        pytest.fail(f"markup from the metadata reached the page: {tag.group(0)}")
    # the schema.org JSON-LD block: data, not code; no "</" can end it early, and it parses
    assert "</" not in block
    doc = json.loads(block)
    assert doc["name"] == 'Permafrost <script>alert(1)</script> temperature "><img src=x onerror=alert(2)> profiles'
    assert "<script>alert(6)</script>" in doc["keywords"]


def test_json_api_returns_the_values_unchanged_as_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/search?q=permafrost")
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    hit = response.get_json()["hits"][0]
    assert hit["title"] == 'Permafrost <script>alert(1)</script> temperature "><img src=x onerror=alert(2)> profiles'
    assert hit["publisher"] == "Frozen Ground Lab <script>alert(8)</script>"


def test_sparql_results_table_shows_values_as_text(client) -> None:  # type: ignore[no-untyped-def]
    query = 'SELECT ?t WHERE { ?d <http://purl.org/dc/terms/identifier> "safety-xss-1" ; <http://purl.org/dc/terms/title> ?t }'
    html = sparql(client, query, accept=BROWSER).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(" not in html and "<img src=x" not in html


# --- 7. headers, body cap, rate limit ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/", BROWSER), ("/search?q=ice", BROWSER), ("/api/search?q=ice", "application/json"), ("/no/such/page", BROWSER),
     ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"), ("/static/style.css", "text/css")],
)  # fmt: skip
def test_security_headers_on_every_response(client, path: str, accept: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, headers={"Accept": accept})
    for name, value in safety.SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "Strict-Transport-Security" not in response.headers  # not over plain HTTP


def test_the_sparql_page_keeps_its_own_policy(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_when_the_site_says_it_is_https(data, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_SESSION_COOKIE_SECURE", "1")
    application = create_app({"DATA_DIR": str(data[0])})
    try:
        response = application.test_client().get("/no/such/page")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    finally:
        application.extensions["crosswalk"].close()


def test_bodies_over_the_cap_get_413_with_a_clear_message(client) -> None:  # type: ignore[no-untyped-def]
    big = b"x" * (1024 * 1024 + 1)
    response = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert response.status_code == 413 and response.mimetype == "text/plain"
    assert "request body is larger than this server accepts (1 MB)" in response.get_data(as_text=True)
    response = client.post("/sparql", data={"query": big.decode()})
    assert response.status_code == 413
    response = client.post("/login", data={"name": "x", "password": big.decode()}, headers={"Accept": BROWSER})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "larger than this server accepts" in response.get_data(as_text=True)
    # under the cap: the request is read and answered
    response = client.post("/sparql", data=b"ASK {}", content_type="application/sparql-query")
    assert response.status_code == 200


def test_413_reaches_a_real_client_over_a_socket(data, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_MAX_BODY", "64k")
    application = create_app({"DATA_DIR": str(data[0]), "SPARQL_WORKERS": 1})
    assert application.config["MAX_CONTENT_LENGTH"] == 64 * 1024
    with serve_app(application) as url:
        host, port = url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/sparql", body=b"#" * (65 * 1024), headers={"Content-Type": "application/sparql-query"})
        response = conn.getresponse()
        assert response.status == 413 and b"(64 kB)" in response.read()
        conn.close()


def test_rate_limit_429_then_recovery(data) -> None:  # type: ignore[no-untyped-def]
    application = create_app({"DATA_DIR": str(data[0]), "RATE_LIMIT": 120, "RATE_BURST": 3})
    try:
        web = application.test_client()
        far = {"REMOTE_ADDR": "203.0.113.7"}
        assert [web.get("/no/such/page", environ_base=far).status_code for _ in range(3)] == [404] * 3
        refused = web.get("/no/such/page", environ_base=far, headers={"Accept": BROWSER})
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        assert "the limit is 120 requests per minute (bursts of up to 3)" in refused.get_data(as_text=True)
        assert refused.mimetype == "text/html" and refused.headers["X-Frame-Options"] == "DENY"
        api = web.get("/api/search?q=ice", environ_base=far)
        assert api.status_code == 429 and api.get_json()["status"] == 429
        # other clients, loopback and static files are not affected
        assert web.get("/no/such/page", environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 404
        assert web.get("/no/such/page").status_code == 404  # 127.0.0.1: exempt
        assert web.get("/static/style.css", environ_base=far).status_code == 200
        # a forged X-Forwarded-For is ignored when no proxy is trusted
        forged = web.get("/no/such/page", environ_base=far, headers={"X-Forwarded-For": "192.0.2.99"})
        assert forged.status_code == 429
        time.sleep(1.05)  # 2 tokens a second come back
        assert web.get("/no/such/page", environ_base=far).status_code == 404
    finally:
        application.extensions["crosswalk"].close()


def test_behind_a_trusted_proxy_clients_are_told_apart(data) -> None:  # type: ignore[no-untyped-def]
    application = create_app({"DATA_DIR": str(data[0]), "RATE_LIMIT": 60, "RATE_BURST": 2, "TRUSTED_PROXIES": 1})
    try:
        web = application.test_client()
        proxy = {"REMOTE_ADDR": "127.0.0.1"}

        def via(client_ip: str) -> int:
            headers = {"X-Forwarded-For": f"10.9.9.9, {client_ip}"}  # the left entry is the client's own claim
            return web.get("/no/such/page", environ_base=proxy, headers=headers).status_code

        assert [via("203.0.113.8") for _ in range(3)] == [404, 404, 429]
        assert via("203.0.113.9") == 404
        # IPv6 clients count per /64
        assert [via(f"2001:db8:1:2::{n}") for n in range(3)] == [404, 404, 429]
    finally:
        application.extensions["crosswalk"].close()


def test_shared_buckets_hold_across_processes(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """KG_RATE_LIMIT_DB: tokens another server process took are gone for this one too."""
    db = tmp_path / "buckets.sqlite"
    code = (
        "from app.safety import RatePolicy, SqliteBuckets\n"
        f"b = SqliteBuckets(RatePolicy(6, 3), {str(db)!r})\n"
        "print([b.take('203.0.113.20') for _ in range(2)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[0.0, 0.0]"
    application = create_app({"DATA_DIR": str(data[0]), "RATE_LIMIT": 6, "RATE_BURST": 3, "RATE_LIMIT_DB": str(db)})
    try:
        web = application.test_client()
        far = {"REMOTE_ADDR": "203.0.113.20"}
        assert [web.get("/no/such/page", environ_base=far).status_code for _ in range(2)] == [404, 429]
    finally:
        application.extensions["crosswalk"].close()


def test_memory_buckets_refill_at_the_rate_and_forget_old_clients() -> None:
    buckets = safety.MemoryBuckets(safety.RatePolicy(60, 2), max_clients=2)
    assert [buckets.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 1.0]
    assert buckets.take("a", now=0.5) == pytest.approx(0.5)
    assert buckets.take("a", now=1.0) == 0.0
    buckets.take("b", now=1.0)
    buckets.take("c", now=1.0)  # over max_clients: "a", seen least recently, is forgotten (full again)
    assert buckets.take("a", now=1.0) == 0.0


# --- 8. the pages still work under the policy, in a real browser ------------------------------


def test_pages_run_under_the_policy_and_no_payload_executes(data, browser) -> None:  # type: ignore[no-untyped-def]
    application = create_app({"DATA_DIR": str(data[0]), "SPARQL_WORKERS": 1})
    with serve_app(application) as url:
        context = browser.new_context()
        problems: list[str] = []
        dialogs: list[str] = []
        try:
            page = context.new_page()
            page.add_init_script(
                "window.__csp = []; document.addEventListener('securitypolicyviolation', "
                "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url + "/search?q=permafrost", wait_until="networkidle")
            page.locator("#q").fill("")
            page.locator("#q").type("perma")
            page.get_by_role("option").first.wait_for()  # search.js ran and fetched suggestions
            problems += page.evaluate("window.__csp")
            page.keyboard.press("Escape")  # close the suggestions, which cover the results
            page.get_by_role("link", name=re.compile("Permafrost")).first.click(timeout=10_000)
            page.wait_for_load_state("networkidle")
            assert "/dataset/" in page.url
            problems += page.evaluate("window.__csp")
            page.goto(url + "/sparql", wait_until="networkidle")
            if (ROOT / "app/static/vendor/yasgui/yasgui.min.js").is_file():
                page.locator("#query-editor .CodeMirror").wait_for()  # the editor mounted
            problems += page.evaluate("window.__csp")
            page.goto(url + "/login", wait_until="networkidle")
            problems += page.evaluate("window.__csp")
        finally:
            context.close()
    assert not problems, problems
    assert not dialogs, f"a payload ran: {dialogs}"


def test_one_client_cannot_take_every_query_worker(data) -> None:  # type: ignore[no-untyped-def]
    """A runaway holds its worker until the time limit kills it (a 503, not a hang); meanwhile the
    same client's next query is refused at once and other clients' queries are answered."""
    config = {"DATA_DIR": str(data[0]), "SPARQL_TIMEOUT_S": 3, "SPARQL_WORKERS": 2}
    application = create_app({**config, "TRUSTED_PROXIES": 1, "RATE_LIMIT_EXEMPT": ""})
    # counted, the four-way cartesian product cannot stop at the row cap: it runs until killed
    runaway = "SELECT (COUNT(*) AS ?n) WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l}"
    with serve_app(application) as url:
        host, port = url.removeprefix("http://").split(":")

        def ask(client: str, query: str) -> tuple[int, float, str]:
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            headers = {"Accept": "application/sparql-results+json", "X-Forwarded-For": client}
            t0 = time.perf_counter()
            conn.request("GET", "/sparql?" + urlencode({"query": query}), headers=headers)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            conn.close()
            return response.status, time.perf_counter() - t0, body

        answers: list[tuple[int, float, str]] = []
        attack = threading.Thread(target=lambda: answers.append(ask("203.0.113.66", runaway)))
        attack.start()
        time.sleep(1.0)  # the runaway is running
        second = ask("203.0.113.66", "ASK { ?s ?p ?o }")
        assert second[0] == 429 and "already has 1 SPARQL query running" in second[2]
        other = ask("198.51.100.1", "ASK { ?s ?p ?o }")
        assert other[0] == 200 and other[1] < 2.0
        attack.join(30)
        status, seconds, body = answers[0]
        assert status == 503 and "exceeded the 3 s time limit" in body and seconds < 6
        assert ask("203.0.113.66", "ASK { ?s ?p ?o }")[0] == 200  # its slot is free again


def test_landing_page_json_ld_stays_valid_json_with_a_comment_opener(client) -> None:  # type: ignore[no-untyped-def]
    hit = client.get("/api/search?q=sea+ice+thickness+sonar").get_json()["hits"][0]
    assert hit["title"].startswith("Sea ice thickness <!--")
    html = client.get(hit["url"].replace("http://localhost", ""), headers={"Accept": BROWSER}).get_data(as_text=True)
    block = html.partition('<script type="application/ld+json">')[2].partition("</script>")[0]
    assert "</" not in block and "<!--" not in block
    assert json.loads(block)["name"] == hit["title"]
