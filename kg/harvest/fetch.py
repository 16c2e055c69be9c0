"""The one HTTP client of harvesting: timeouts, a size cap, retries with exponential backoff and
jitter (``Retry-After`` honoured up to a cap), conditional GET, and a per-source host allowlist.

No address reaches the network unless the source's configuration chose it: the source URL's host
and port, plus the hosts the configuration lists (``allow_hosts``). A sitemap entry, a paging link
or a redirect to any other address is refused before a connection is made (ARCHITECTURE.md,
"Safety of the endpoints"). Proxies, ``.netrc`` credentials and other environment settings are
not used (``trust_env`` off).
"""

from __future__ import annotations

import email.utils
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from kg import __version__
from kg.harvest.errors import HarvestError

DEFAULT_PORTS = {"http": 80, "https": 443}
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = f"Crosswalk/{__version__} (dataset metadata harvester)"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one source's requests (all times in seconds)."""

    timeout: float = 30.0  # to connect, and between two reads of the response
    max_seconds: float = 300.0  # for a whole response body: a server that trickles is cut off
    max_bytes: int = 50 * 1024 * 1024  # per response, after content decoding (gzip bombs stop here)
    retries: int = 3  # more attempts after the first, for timeouts, broken connections, 408/425/429/5xx
    backoff: float = 1.0  # base of the exponential backoff: ~1, 2, 4 ... seconds (with jitter)
    max_backoff: float = 60.0
    max_retry_after: float = 120.0  # a server's Retry-After is honoured up to this many seconds
    allow_hosts: tuple[str, ...] = ()  # hosts besides the source URL's: "host", "host:port", "host:*"


def parse_origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; ValueError for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError(f"{url!r} has an invalid port") from None
    return scheme, parts.hostname.lower(), port


class HostAllowlist:
    """The addresses one source may fetch: host and port of its URL, plus the configured hosts.

    A host on a default port (80 or 443) may use either (an http → https redirect stays allowed);
    a non-default port must match exactly. ``host:*`` allows any port of that host.
    """

    def __init__(self, base_url: str | None, extra: tuple[str, ...] = ()) -> None:
        self._allowed: set[tuple[str, int | None]] = set()
        if base_url:
            _, host, port = parse_origin(base_url)
            self._add(host, port)
        for entry in extra:
            entry = entry.strip().lower()
            if entry.endswith(":*"):
                self._allowed.add((entry[:-2].strip("[]"), None))
                continue
            parts = urlsplit("//" + entry)
            if not parts.hostname:
                raise ValueError(f"allow_hosts entry {entry!r} is not a host name")
            self._add(parts.hostname, parts.port)

    def _add(self, host: str, port: int | None) -> None:
        if port is None or port in DEFAULT_PORTS.values():
            self._allowed.update({(host, 80), (host, 443)})
        else:
            self._allowed.add((host, port))

    def allows(self, url: str) -> bool:
        try:
            _, host, port = parse_origin(url)
        except ValueError:
            return False
        return (host, port) in self._allowed or (host, None) in self._allowed

    def describe(self) -> str:
        return ", ".join(sorted(f"{h}:{p if p is not None else '*'}" for h, p in self._allowed)) or "none"


@dataclass(frozen=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchStats:
    requests: int = 0  # HTTP requests sent, retries and redirects included
    fetched: int = 0  # responses with a body
    not_modified: int = 0  # 304 answers to a conditional GET
    retries: int = 0
    refused: int = 0  # URLs not fetched because the allowlist does not name their host
    bytes: int = 0  # body bytes received (after content decoding)


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Fetcher:
    """GET with the source's policy; every failure is a HarvestError naming source, URL and record."""

    source: str
    policy: FetchPolicy
    allowlist: HostAllowlist
    sleep: Callable[[float], None] = time.sleep
    stats: FetchStats = field(default_factory=FetchStats)

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies, .netrc credentials or CA overrides from the environment
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def allowed(self, url: str) -> bool:
        return self.allowlist.allows(url)

    def refuse(self, url: str, *, record: str | None = None, what: str = "not fetched") -> HarvestError:
        self.stats.refused += 1
        return HarvestError(
            f"{what}: its host is not allowed for this source (allowed: {self.allowlist.describe()}; "
            "add the host to allow_hosts to fetch it)",
            source=self.source,
            url=url,
            record=record,
        )

    def get(
        self,
        url: str,
        *,
        params: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        record: str | None = None,
    ) -> Fetched:
        """Fetch ``url`` (with ``params`` appended). With ``etag``/``last_modified`` it is a
        conditional GET that may answer 304. Raises HarvestError when it finally fails."""
        target = with_params(url, params)
        if not self.allowed(target):
            raise self.refuse(target, record=record)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        attempt = 0
        while True:
            try:
                return self._once(target, headers, record)
            except _Retryable as exc:
                if attempt >= self.policy.retries:
                    raise HarvestError(
                        f"{exc.reason} (gave up after {attempt + 1} attempt{'s' if attempt else ''})",
                        source=self.source,
                        url=target,
                        record=record,
                    ) from None
                if exc.retry_after is not None:
                    delay = min(exc.retry_after, self.policy.max_retry_after)
                else:
                    delay = backoff_delay(attempt, self.policy.backoff, self.policy.max_backoff)
                self.stats.retries += 1
                self.sleep(delay)
                attempt += 1

    def _once(self, target: str, headers: dict[str, str], record: str | None) -> Fetched:
        current = target
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self.session.get(
                    current,
                    headers=headers,
                    timeout=(self.policy.timeout, self.policy.timeout),
                    stream=True,
                    allow_redirects=False,
                )
            except requests.Timeout:
                raise _Retryable(f"no answer within the timeout of {self.policy.timeout:g} s") from None
            except requests.ConnectionError as exc:
                raise _Retryable(f"connection failed ({_reason(exc)})") from None
            except requests.RequestException as exc:
                raise HarvestError(
                    f"request failed ({_reason(exc)})", source=self.source, url=current, record=record
                ) from None
            self.stats.requests += 1
            with response:
                if response.is_redirect:
                    following = urljoin(current, response.headers["Location"])
                    if not self.allowed(following):
                        raise self.refuse(following, record=record, what=f"redirect from {current} refused")
                    current = following
                    continue
                if response.status_code == 304:
                    self.stats.not_modified += 1
                    return Fetched(
                        current, 304, b"", response.headers.get("ETag"), response.headers.get("Last-Modified")
                    )
                if response.status_code in RETRY_STATUSES:
                    raise _Retryable(
                        f"HTTP {response.status_code} {response.reason}",
                        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                    )
                if response.status_code != 200:
                    raise HarvestError(
                        f"HTTP {response.status_code} {response.reason}", source=self.source, url=current, record=record
                    )
                body = self._read(response, current, record)
                self.stats.fetched += 1
                return Fetched(
                    current,
                    200,
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                    response.headers.get("Content-Type", ""),
                )
        raise HarvestError(f"more than {MAX_REDIRECTS} redirects", source=self.source, url=target, record=record)

    def _read(self, response: requests.Response, url: str, record: str | None) -> bytes:
        cap = self.policy.max_bytes
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > cap:
            raise HarvestError(
                f"the response announces {int(announced):,} bytes, over the size cap of {cap:,}; not downloaded",
                source=self.source,
                url=url,
                record=record,
            )
        deadline = time.monotonic() + self.policy.max_seconds
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                self.stats.bytes += len(chunk)
                if size > cap:
                    raise HarvestError(
                        f"the response is larger than the size cap of {cap:,} bytes; download stopped",
                        source=self.source,
                        url=url,
                        record=record,
                    )
                if time.monotonic() > deadline:
                    raise HarvestError(
                        f"the download took longer than {self.policy.max_seconds:g} s; stopped",
                        source=self.source,
                        url=url,
                        record=record,
                    )
                chunks.append(chunk)
        except requests.RequestException as exc:
            text = str(exc).lower()
            if "timed out" in text or "timeout" in text:
                raise _Retryable(
                    f"the response stalled for longer than the timeout of {self.policy.timeout:g} s"
                ) from None
            raise _Retryable(f"the connection broke while reading ({_reason(exc)})") from None
        return b"".join(chunks)


def with_params(url: str, params: dict[str, str] | None) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter: half of ``base * 2**attempt`` (capped) plus a random part
    of the other half, so that many clients retrying together spread out."""
    ceiling = min(cap, base * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP-date; RFC 9110 10.2.3)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def gunzip_capped(data: bytes, cap: int, *, source: str, url: str) -> bytes:
    """Decompress a gzip body (a ``sitemap.xml.gz``) without letting it grow past ``cap``."""
    inflater = zlib.decompressobj(wbits=47)
    try:
        out = inflater.decompress(data, cap + 1)
    except zlib.error as exc:
        raise HarvestError(f"not a valid gzip file ({exc})", source=source, url=url) from None
    if len(out) > cap or inflater.unconsumed_tail:
        raise HarvestError(
            f"decompressed, the file is larger than the size cap of {cap:,} bytes", source=source, url=url
        )
    return out


def _reason(exc: Exception) -> str:
    text = str(exc)
    inner = getattr(exc, "args", ())
    if inner and hasattr(inner[0], "reason"):
        text = str(inner[0].reason)
    return f"{type(exc).__name__}: {text[:200]}"
