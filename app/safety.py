"""Request limits and response headers for every surface: a per-client rate limit, the request
body cap, and the standard security headers (ARCHITECTURE.md, "Safety of the endpoints").

* **Rate limit.** A token bucket per client: ``KG_RATE_LIMIT`` requests per minute (default 600),
  up to ``KG_RATE_BURST`` at once (default 120); ``KG_RATE_LIMIT=0`` turns it off. A client over
  the limit gets 429 with ``Retry-After`` (seconds) and a message saying the limit and when to
  come back (HTML for a browser, text for /sparql, JSON otherwise). Static files are exempt, and
  so are the addresses in ``KG_RATE_LIMIT_EXEMPT`` (default the loopback addresses
  ``127.0.0.1 ::1``: tools and benchmarks on the server itself). IPv6 clients are counted per /64,
  the block one subscriber usually holds.
* **Who the client is.** The connection's address, unless ``KG_TRUSTED_PROXIES=N`` says N reverse
  proxies stand in front: then the N-th address from the right of ``X-Forwarded-For`` (the one
  the outermost trusted proxy saw). Behind a proxy without it every client looks like the proxy
  (on loopback: exempt), so set it there.
* **One bucket set per server or per process.** By default each process keeps its own buckets, so
  with ``kg serve --workers N`` (gunicorn) a client may get up to N times the limit, depending on
  which process accepts its connections. ``KG_RATE_LIMIT_DB=/path/file.sqlite`` keeps the buckets
  in one SQLite file that every process of the server shares, making the limit exact; it costs
  one small write transaction per request (bench figures in bench/RESULTS.md).
* **SPARQL queries in flight per client.** A client may have ``KG_SPARQL_PER_CLIENT`` queries
  (default 1) running in one server process at a time; one more gets 429 at once. A runaway
  query holds a query worker until the time limit kills it, so without this cap one client
  sending runaways from a few connections takes every worker and everyone else waits (measured
  with bench/sparql_runaway.py). Exempt addresses are not capped; 0 turns the cap off.
* **Body cap.** ``MAX_CONTENT_LENGTH`` (1 MB; ``KG_MAX_BODY`` bytes, with an optional k/M suffix,
  replaces it): a request announcing a larger body is refused with 413 before its body is read,
  and Flask refuses one that grows past the cap while it is read (chunked uploads).
* **Headers** on every response, unless the view set its own (the SPARQL page sets its CSP):
  Content-Security-Policy (this origin only; inline styles allowed, never inline script),
  X-Content-Type-Options, Referrer-Policy, X-Frame-Options and frame-ancestors,
  Permissions-Policy, Cross-Origin-Opener-Policy, and Strict-Transport-Security when
  ``KG_SESSION_COOKIE_SECURE=1`` says the site is served over HTTPS.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request, url_for
from markupsafe import escape
from werkzeug.exceptions import RequestEntityTooLarge

DEFAULT_RATE = 600.0  # requests per minute per client
DEFAULT_BURST = 120
DEFAULT_EXEMPT = "127.0.0.1 ::1"
MAX_CLIENTS = 50_000  # buckets kept in memory; the least recently seen go first (full again by then)
EXEMPT_ENDPOINTS = frozenset({"static", "favicon"})
SPARQL_ENDPOINT = "sparql.sparql"
DEFAULT_SPARQL_PER_CLIENT = 1

# This origin only; no inline script (templates keep data in <script type="application/json">
# blocks, which are not run); inline styles stay allowed: templates and CodeMirror set them.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def parse_size(text: str) -> int:
    """``1048576``, ``1024k``, ``1M`` (binary multiples) → bytes; ValueError naming the setting."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)[bB]?\s*", text)
    if not match:
        raise ValueError(f"KG_MAX_BODY={text!r} is not a size (bytes, or a number with k or M)")
    return int(match.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]


@dataclass(frozen=True)
class RatePolicy:
    per_minute: float
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0

    def describe(self) -> str:
        return f"{self.per_minute:g} requests per minute (bursts of up to {self.burst})"


class MemoryBuckets:
    """Token buckets in this process (threads of one server process share them)."""

    def __init__(self, policy: RatePolicy, max_clients: int = MAX_CLIENTS) -> None:
        self.policy = policy
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, when)

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token: 0.0 when the request may go on, else the seconds until one is back."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, when = self._buckets.pop(client, (float(self.policy.burst), now))
            tokens = min(float(self.policy.burst), tokens + (now - when) * self.policy.per_second)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.policy.per_second
            self._buckets[client] = (tokens - 1.0 if wait == 0.0 else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


class SqliteBuckets:
    """The same buckets in one SQLite file, shared by every process that opens it (gunicorn workers).

    One ``BEGIN IMMEDIATE`` transaction per request serialises the processes; the file holds one
    row per client seen, and rows full again are pruned now and then."""

    PRUNE_EVERY = 1000

    def __init__(self, policy: RatePolicy, path: str) -> None:
        self.policy = policy
        self.path = path
        self._local = threading.local()
        self._count = 0
        db = self._open()
        db.execute("CREATE TABLE IF NOT EXISTS buckets (client TEXT PRIMARY KEY, tokens REAL, at REAL)")
        db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # buckets lost in a crash refill anyway
        return db

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection (a connection never crosses a fork: the pid is checked)."""
        mine = getattr(self._local, "db", None)
        if mine is None or mine[0] != os.getpid():
            mine = (os.getpid(), self._open())
            self._local.db = mine
        return mine[1]

    def take(self, client: str, now: float | None = None) -> float:
        now = time.time() if now is None else now  # wall clock: monotonic clocks differ per process
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT tokens, at FROM buckets WHERE client = ?", (client,)).fetchone()
            tokens, when = row if row else (float(self.policy.burst), now)
            tokens = min(float(self.policy.burst), tokens + max(0.0, now - when) * self.policy.per_second)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.policy.per_second
            db.execute(
                "INSERT OR REPLACE INTO buckets (client, tokens, at) VALUES (?, ?, ?)",
                (client, tokens - 1.0 if wait == 0.0 else tokens, now),
            )
            self._count += 1
            if self._count % self.PRUNE_EVERY == 0:
                full_after = self.policy.burst / self.policy.per_second
                db.execute("DELETE FROM buckets WHERE at < ?", (now - full_after,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return wait


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The client's address: the connection's, or the one the outermost trusted proxy saw."""
    address = remote_addr or "unknown"
    if trusted_proxies > 0 and forwarded_for:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        if hops:
            address = hops[-min(trusted_proxies, len(hops))]
    return address


def bucket_key(address: str) -> str:
    """The bucket an address is counted in: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def parse_exempt(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``KG_RATE_LIMIT_EXEMPT``: addresses or networks (``10.0.0.0/8``), comma or space separated."""
    networks = []
    for entry in re.split(r"[\s,]+", text.strip()):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"KG_RATE_LIMIT_EXEMPT entry {entry!r} is not an IP address or network") from None
    return tuple(networks)


def _is_exempt(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in net for net in networks)


def _wants_html() -> bool:
    """A browser: it names text/html itself (curl's ``*/*`` does not count)."""
    return any(
        value.lower() in ("text/html", "application/xhtml+xml") and q > 0 for value, q in request.accept_mimetypes
    )


def error_response(status: int, title: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error in the form the client reads: a small page, text for /sparql, else JSON."""
    if _wants_html() and not request.path.startswith("/api/"):
        body = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · Crosswalk</title>'
            f'<link rel="stylesheet" href="{url_for("static", filename="style.css")}"></head>'
            '<body><main id="main"><div class="card">'
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p></div></main></body></html>"
        )
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    elif request.path.startswith("/sparql"):
        response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    else:
        response = current_app.json.response({"error": message, "status": status})
        response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app: Flask) -> None:
    """Install the rate limit, the body cap and the security headers on ``app``."""
    env = os.environ
    if env.get("KG_MAX_BODY"):
        app.config["MAX_CONTENT_LENGTH"] = parse_size(env["KG_MAX_BODY"])
    app.config.setdefault("RATE_LIMIT", float(env.get("KG_RATE_LIMIT", DEFAULT_RATE)))
    app.config.setdefault("RATE_BURST", int(env.get("KG_RATE_BURST", DEFAULT_BURST)))
    app.config.setdefault("RATE_LIMIT_EXEMPT", env.get("KG_RATE_LIMIT_EXEMPT", DEFAULT_EXEMPT))
    app.config.setdefault("RATE_LIMIT_DB", env.get("KG_RATE_LIMIT_DB") or None)
    app.config.setdefault("TRUSTED_PROXIES", int(env.get("KG_TRUSTED_PROXIES", "0")))
    app.config.setdefault("HSTS", env.get("KG_SESSION_COOKIE_SECURE") == "1")
    app.config.setdefault("SPARQL_PER_CLIENT", int(env.get("KG_SPARQL_PER_CLIENT", DEFAULT_SPARQL_PER_CLIENT)))

    policy = RatePolicy(float(app.config["RATE_LIMIT"]), max(1, int(app.config["RATE_BURST"])))
    buckets: MemoryBuckets | SqliteBuckets | None = None
    if policy.per_minute > 0:
        db = app.config["RATE_LIMIT_DB"]
        buckets = SqliteBuckets(policy, str(db)) if db else MemoryBuckets(policy)
    exempt = parse_exempt(str(app.config["RATE_LIMIT_EXEMPT"]))
    trusted = int(app.config["TRUSTED_PROXIES"])
    app.extensions["crosswalk_rate_limit"] = buckets
    per_client = int(app.config["SPARQL_PER_CLIENT"])
    running: dict[str, int] = {}  # client → SPARQL queries running in this process
    running_lock = threading.Lock()

    @app.before_request
    def limit_request() -> Response | None:
        cap = app.config.get("MAX_CONTENT_LENGTH")
        if cap is not None and request.content_length is not None and request.content_length > cap:
            raise RequestEntityTooLarge()
        if request.endpoint in EXEMPT_ENDPOINTS or (buckets is None and per_client <= 0):
            return None
        address = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"), trusted)
        if _is_exempt(address, exempt):
            return None
        client = bucket_key(address)
        wait = buckets.take(client) if buckets is not None else 0.0
        if wait > 0.0:
            retry = max(1, math.ceil(wait))
            return error_response(
                429,
                "Too many requests",
                f"too many requests from {client}: the limit is {policy.describe()}; try again in {retry} s",
                {"Retry-After": str(retry)},
            )
        if per_client > 0 and request.endpoint == SPARQL_ENDPOINT and _carries_query():
            with running_lock:
                if running.get(client, 0) >= per_client:
                    return error_response(
                        429,
                        "Too many queries",
                        f"{client} already has {per_client} SPARQL quer{'y' if per_client == 1 else 'ies'} "
                        "running; send the next one when it has answered",
                        {"Retry-After": "1"},
                    )
                running[client] = running.get(client, 0) + 1
            g.crosswalk_sparql_slot = client
        return None

    @app.teardown_request
    def release_sparql_slot(_exc: BaseException | None) -> None:
        client = g.pop("crosswalk_sparql_slot", None)
        if client is not None:
            with running_lock:
                left = running.get(client, 1) - 1
                if left > 0:
                    running[client] = left
                else:
                    running.pop(client, None)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        cap = app.config.get("MAX_CONTENT_LENGTH") or 0
        return error_response(
            413,
            "Request too large",
            f"the request body is larger than this server accepts ({_size(cap)}); "
            "send a shorter query or form (a SPARQL query of that size is almost always a mistake)",
        )

    @app.after_request
    def security_headers(response: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if app.config["HSTS"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _carries_query() -> bool:
    """A /sparql request that runs a query (not the bare query page)."""
    return request.method == "POST" or "query" in request.args


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} kB"
    return f"{n} bytes"


def rate_limit_state(app: Flask) -> Any:
    """The app's buckets (MemoryBuckets, SqliteBuckets or None when off), for tests and benchmarks."""
    return app.extensions.get("crosswalk_rate_limit")
