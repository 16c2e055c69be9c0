"""The one fetch allowlist: nothing a query or a document names is fetched unless
``KG_FETCH_ALLOWLIST`` names it (ARCHITECTURE.md, "Safety of the endpoints").

``KG_FETCH_ALLOWLIST`` holds entries separated by commas or white space; empty (the default)
allows nothing. An entry is

* a URL prefix, ``https://example.org/contexts/``: a URL matches when it starts with the prefix
  at a path boundary (``https://example.org/ctx`` matches ``/ctx``, ``/ctx/a`` and ``/ctx?x``, not
  ``/ctx-evil``); scheme and host compare case-insensitively and a default port may be written or
  not;
* a host, ``example.org`` (any URL on it, ports 80 and 443), ``example.org:8890`` (that port only)
  or ``example.org:*`` (any port): the same forms as a harvest source's ``allow_hosts``.

Only ``http`` and ``https`` URLs are ever allowed; a URL with user info (``http://a@b/``), a
relative reference or anything that is not a URL is refused whatever the list says. Hosts are
compared as written, never resolved, so ``127.1`` or ``2130706433`` do not match ``127.0.0.1``.

Every path that could fetch, and why it is safe (tests/test_safety.py checks each one):

* **SPARQL SERVICE** (``kg.sparql.executor``): the lexer lists every SERVICE target; the query is
  refused unless each one is a constant IRI this list allows (``SERVICE ?var`` is refused). An
  allowed query is run by pyoxigraph, which sends it to that endpoint and follows no redirect.
* **SPARQL LOAD** and every other Update: refused whatever the list says (the endpoint is
  read-only). ``FROM <iri>`` never fetches: it names a graph of the store.
* **JSON-LD remote ``@context`` / ``@import``** (``kg.lifting.dcat_rdf``): contexts the lifter ships
  (DCAT-US 3.0) are answered from its copy; an allowed one is fetched with :func:`fetch` (no
  redirects off the list, a size cap, a time limit) and inlined; any other is refused with a
  LiftError naming ``@context``. rdflib's parser runs inside :func:`guard`, so a context the
  lifter failed to inline is refused before a socket opens. The schema.org lifter never runs a
  JSON-LD processor: it recognises the schema.org context URLs by name and refuses any other
  remote context, so it fetches nothing whatever this list says.
* **XML external entities, DTDs, XInclude** (``kg.lifting.xmlsafe``, every XML lifter and the
  harvesters): documents declaring entities or an external DTD are refused before parsing; the
  lxml parser itself resolves no entity, loads no DTD and has no network; XInclude is never
  processed. No allowlist applies: XML never fetches.
* **RDF/XML** (rdflib, ``kg.lifting.dcat_rdf``): the same refusal before parsing; Python's SAX
  parser does not read external entities; and the parse runs inside :func:`guard`.
* **owl:imports**: rdflib never follows it and pyshacl is called without ``do_owl_imports``, so
  an ``owl:imports`` in a record is kept as a triple and followed by nothing. The core ontology's
  imports resolve through ``ontologies/catalog-v001.xml`` only (``kg.vocab.ontology``).
* **Harvesting** (``kg.harvest``) fetches only what a source's configuration chose (its URL's
  host plus its ``allow_hosts``), per source; that is the operator's choice, not this list.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

SETTING = "KG_FETCH_ALLOWLIST"
DEFAULT_PORTS = {"http": 80, "https": 443}
FETCH_TIMEOUT_S = 10.0
FETCH_MAX_BYTES = 1024 * 1024  # a JSON-LD context is a few kilobytes
MAX_REDIRECTS = 3


class FetchRefused(PermissionError):
    """An address was not fetched: the allowlist does not name it (or it is not an http(s) URL)."""

    def __init__(self, url: str | None, what: str, reason: str) -> None:
        self.url = url
        self.what = what
        self.reason = reason
        super().__init__(f"{what} {url if url is not None else '(no IRI)'} is not fetched: {reason}")


class FetchFailed(OSError):
    """An allowed address was asked for and did not answer with a usable body."""


@dataclass(frozen=True)
class _Entry:
    scheme: str | None  # None: a host entry (http and https)
    host: str
    port: int | None  # None: any port; host entries without a port hold 80 and 443 as two entries
    path: str | None  # URL prefix entries: the path prefix ("" for the whole origin)

    def matches(self, scheme: str, host: str, port: int, rest: str) -> bool:
        if host != self.host or (self.port is not None and port != self.port):
            return False
        if self.scheme is None:
            return True
        if scheme != self.scheme:
            return False
        path = self.path or ""
        if not rest.startswith(path):
            return False
        return path == "" or path.endswith("/") or rest[len(path) : len(path) + 1] in ("", "/", "?", "#")


def _origin(url: str) -> tuple[str, str, int, str] | None:
    """(scheme, host, port, path+query+fragment) of an absolute http(s) URL, else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    host = parts.hostname.lower().rstrip(".")
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    if parts.fragment:
        rest += "#" + parts.fragment
    return scheme, host, port or DEFAULT_PORTS[scheme], rest


@lru_cache(maxsize=16)
def parse_allowlist(value: str) -> tuple[_Entry, ...]:
    """The entries of an allowlist setting; ValueError naming the entry that is neither a URL
    prefix nor a host."""
    entries: list[_Entry] = []
    for raw in re.split(r"[\s,]+", value.strip()):
        if not raw:
            continue
        if "://" in raw:
            origin = _origin(raw)
            if origin is None:
                raise ValueError(f"{SETTING} entry {raw!r} is not an http(s) URL prefix")
            scheme, host, port, rest = origin
            path = "" if urlsplit(raw).path in ("", "/") and not urlsplit(raw).query else rest
            entries.append(_Entry(scheme, host, port, path))
            continue
        any_port = raw.endswith(":*")
        try:
            parts = urlsplit("//" + (raw[:-2] if any_port else raw))
            port = parts.port
        except ValueError:
            raise ValueError(f"{SETTING} entry {raw!r} is neither a URL prefix nor a host[:port]") from None
        if not parts.hostname or parts.path or "@" in parts.netloc or raw in ("*", "*:*"):
            raise ValueError(f"{SETTING} entry {raw!r} is neither a URL prefix nor a host[:port]")
        host = parts.hostname.lower().rstrip(".")
        if any_port:
            entries.append(_Entry(None, host, None, None))
        elif port is None:
            entries += [_Entry(None, host, p, None) for p in DEFAULT_PORTS.values()]
        else:
            entries.append(_Entry(None, host, port, None))
    return tuple(entries)


def allowlist_setting() -> str:
    """The allowlist as configured now (read on every call: tests and operators may change it)."""
    return os.environ.get(SETTING, "")


def is_allowed(url: str | None, *, allowlist: str | None = None) -> bool:
    """True when ``url`` is an absolute http(s) URL that the allowlist names.

    ``allowlist`` overrides ``$KG_FETCH_ALLOWLIST`` (same syntax). A malformed setting allows
    nothing (and :func:`check` says why)."""
    if not url:
        return False
    origin = _origin(url)
    if origin is None:
        return False
    try:
        entries = parse_allowlist(allowlist_setting() if allowlist is None else allowlist)
    except ValueError:
        return False
    return any(entry.matches(*origin) for entry in entries)


def check(url: str | None, what: str, *, allowlist: str | None = None) -> str:
    """``url`` when the allowlist names it; else FetchRefused saying what was refused and why."""
    if is_allowed(url, allowlist=allowlist):
        return url  # type: ignore[return-value]
    raise FetchRefused(url, what, refusal_reason(url, allowlist=allowlist))


def refusal_reason(url: str | None, *, allowlist: str | None = None) -> str:
    """Why :func:`is_allowed` says no, in words for an error message."""
    value = allowlist_setting() if allowlist is None else allowlist
    if not url or _origin(url) is None:
        return "only absolute http(s) URLs without user info can be allowed, and only through " + SETTING
    try:
        entries = parse_allowlist(value)
    except ValueError as exc:
        return f"{exc}, so nothing is fetched"
    if not entries:
        return f"{SETTING} is empty, so nothing is fetched"
    return f"{SETTING} does not name it"


# --- fetching what the list allows -------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None  # a 3xx comes back as an HTTPError; fetch() checks the target itself


_OPENER = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))


def fetch(url: str, what: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = FETCH_MAX_BYTES) -> bytes:
    """GET an allowed URL: each redirect target is checked against the list again, the body is cut
    off at ``max_bytes``, no proxy from the environment is used. FetchRefused when the URL (or a
    redirect) is not allowed, FetchFailed when it does not answer 200 with a body."""
    current = check(url, what)
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(current, headers={"Accept": "application/ld+json, application/json"})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                body = response.read(max_bytes + 1)
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if 300 <= exc.code < 400 else None
            if location is None:
                raise FetchFailed(f"{what} {current} answered HTTP {exc.code}") from None
            current = check(urljoin(current, location), f"{what} (redirected from {current})")
            continue
        except (OSError, ValueError) as exc:
            raise FetchFailed(f"{what} {current} could not be fetched: {exc}") from None
        if len(body) > max_bytes:
            raise FetchFailed(f"{what} {current} is larger than {max_bytes} bytes")
        return body
    raise FetchFailed(f"{what} {url}: more than {MAX_REDIRECTS} redirects")


def fetch_json(url: str, what: str) -> object:
    """:func:`fetch`, parsed as JSON (FetchFailed when it is not)."""
    body = fetch(url, what)
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchFailed(f"{what} {url} is not JSON: {exc}") from None


# --- a guard around third-party parsers --------------------------------------------------------

_GUARDED: contextvars.ContextVar[str | None] = contextvars.ContextVar("kg_netpolicy_guard", default=None)
_HOOKED = False


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Python audit hook (PEP 578), active only inside :func:`guard` in the guarded thread.

    rdflib fetches through ``urllib.request`` (its documented security advice is exactly this
    hook); ``socket.getaddrinfo`` precedes every outbound connection of urllib, http.client and
    requests, so a fetch by any other route is stopped too, before a socket connects."""
    if event not in ("urllib.Request", "socket.getaddrinfo"):
        return
    what = _GUARDED.get()
    if what is None:
        return
    if event == "urllib.Request":
        check(str(args[0]), what)
        return
    host, port = args[0], args[1]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return
    try:
        port_number = int(port) if port is not None else 443  # type: ignore[call-overload]
    except (TypeError, ValueError):
        port_number = 443
    scheme = "http" if port_number == 80 else "https"
    probe = f"{scheme}://{host if ':' not in host else '[' + host + ']'}:{port_number}/"
    try:
        entries = parse_allowlist(allowlist_setting())
    except ValueError:
        entries = ()  # a malformed setting allows nothing
    if not any(e.host == host.lower().rstrip(".") and (e.port is None or e.port == port_number) for e in entries):
        raise FetchRefused(probe, what, refusal_reason(probe))


@contextlib.contextmanager
def guard(what: str) -> Iterator[None]:
    """Within the block (in this thread), any attempt to fetch an address the allowlist does not
    name raises FetchRefused before a connection is made. ``what`` names the fetch in the error
    (``"remote JSON-LD context"``). Costs one set lookup per audit event while no block is active."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)  # cannot be removed; idle outside guard()
        _HOOKED = True
    token = _GUARDED.set(what)
    try:
        yield
    finally:
        _GUARDED.reset(token)
