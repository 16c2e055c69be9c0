"""Sources and their schedules, declared in one YAML file (``harvest.example.yaml`` documents it).

    defaults:            # optional: applied to every source unless the source sets the key
      timeout: 30s
    sources:
      - name: energy     # the source's name: its records' source, its state file, its graphs
        kind: datajson   # directory | datajson | ckan | oai-pmh | sitemap
        url: https://www.energy.gov/data.json
        schedule: daily  # hourly | daily | weekly | manual | "every 6h" | {every: 6h}

Unknown keys are errors (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from kg.errors import UnknownFormatError
from kg.harvest.errors import HarvestConfigError
from kg.harvest.fetch import FetchPolicy, parse_origin
from kg.lifting import get_lifter

KINDS = ("directory", "datajson", "ckan", "oai-pmh", "sitemap")
OAI_PREFIXES = {"oai_dc": "oai-dc", "oai_datacite": "datacite-xml"}  # metadataPrefix → lifter

_COMMON_KEYS = {"name", "kind", "schedule", "enabled", "format"}
_FETCH_KEYS = {
    "url",
    "allow_hosts",
    "timeout",
    "max_seconds",
    "max_bytes",
    "retries",
    "backoff",
    "max_backoff",
    "max_retry_after",
}
_KIND_KEYS = {
    "directory": {"path"},
    "datajson": set(_FETCH_KEYS),
    "ckan": _FETCH_KEYS | {"rows", "sort", "fq", "max_pages"},
    "oai-pmh": _FETCH_KEYS | {"metadata_prefix", "set", "max_pages"},
    "sitemap": _FETCH_KEYS | {"max_pages"},
}
_DEFAULT_KEYS = (_FETCH_KEYS - {"url"}) | {"schedule", "rows", "max_pages"}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$", re.IGNORECASE)
_SIZES = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_NAMED_SCHEDULES = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}


@dataclass(frozen=True)
class Schedule:
    """How often a source is due: every ``interval``, or only when named (``manual``)."""

    text: str
    interval: timedelta | None

    def is_due(self, last_run: datetime | None, now: datetime) -> bool:
        if self.interval is None:
            return False
        return last_run is None or now - last_run >= self.interval


@dataclass(frozen=True)
class SourceConfig:
    """One declared source."""

    name: str
    kind: str
    schedule: Schedule
    url: str | None = None
    path: Path | None = None
    format: str | None = None  # lifter to force (each kind has its own default)
    enabled: bool = True
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    rows: int = 100  # ckan: packages per package_search page
    sort: str = "metadata_created asc"  # ckan: a stable order, so paging neither skips nor repeats
    fq: str | None = None  # ckan: filter query
    metadata_prefix: str = "oai_datacite"  # oai-pmh
    set: str | None = None  # oai-pmh setSpec
    max_pages: int = 10_000  # ckan / oai-pmh pages, sitemap landing pages: a runaway source stops here

    @property
    def lifter(self) -> str | None:
        """The lifter this source's documents are forced through (None: detect per document)."""
        if self.format:
            return self.format
        return {
            "datajson": "datajson",
            "ckan": "ckan-package",
            "sitemap": "schemaorg-jsonld",
            "oai-pmh": OAI_PREFIXES.get(self.metadata_prefix),
        }.get(self.kind)


@dataclass(frozen=True)
class HarvestConfig:
    path: Path
    sources: tuple[SourceConfig, ...]

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise HarvestConfigError(f"no source named {name!r} (declared: {known})", file=str(self.path))


def load_config(path: Path | str) -> HarvestConfig:
    """Read and check a harvest configuration file."""
    path = Path(path)
    file = str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HarvestConfigError(f"cannot read the file ({exc.strerror})", file=file) from exc
    except yaml.YAMLError as exc:
        raise HarvestConfigError(f"not valid YAML ({exc})", file=file) from exc
    if not isinstance(document, dict):
        raise HarvestConfigError(
            "the top level must be a mapping with 'sources' (and optionally 'defaults')", file=file
        )
    unknown = set(document) - {"defaults", "sources"}
    if unknown:
        raise HarvestConfigError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", file=file, key=min(unknown))
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise HarvestConfigError("'defaults' must be a mapping", file=file, key="defaults")
    for key in defaults:
        if key not in _DEFAULT_KEYS:
            raise HarvestConfigError(
                f"not a default setting (allowed: {', '.join(sorted(_DEFAULT_KEYS))})", file=file, key=str(key)
            )
    entries = document.get("sources")
    if not isinstance(entries, list) or not entries:
        raise HarvestConfigError("'sources' must be a non-empty list of sources", file=file, key="sources")
    sources: list[SourceConfig] = []
    for index, entry in enumerate(entries):
        source = _source(entry, index, defaults, path)
        if any(s.name == source.name for s in sources):
            raise HarvestConfigError("declared twice", file=file, source=source.name, key="name")
        sources.append(source)
    return HarvestConfig(path=path, sources=tuple(sources))


def _source(entry: object, index: int, defaults: dict[str, Any], path: Path) -> SourceConfig:
    file = str(path)
    if not isinstance(entry, dict):
        raise HarvestConfigError(f"source #{index} is not a mapping", file=file)
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise HarvestConfigError(
            f"source #{index} needs a 'name' of letters, digits, '.', '_' or '-'", file=file, key="name"
        )
    kind = entry.get("kind")
    if kind not in KINDS:
        raise HarvestConfigError(f"'kind' must be one of {', '.join(KINDS)}", file=file, source=name, key="kind")
    allowed = _COMMON_KEYS | _KIND_KEYS[kind]
    for key in entry:
        if key not in allowed:
            raise HarvestConfigError(
                f"not a setting of a {kind} source (allowed: {', '.join(sorted(allowed))})",
                file=file,
                source=name,
                key=str(key),
            )
    merged = {k: v for k, v in defaults.items() if k in allowed} | entry

    def fail(message: str, key: str) -> HarvestConfigError:
        return HarvestConfigError(message, file=file, source=name, key=key)

    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "schedule": _schedule(merged.get("schedule", "daily"), fail),
        "enabled": bool(merged.get("enabled", True)),
    }
    if "format" in merged:
        try:
            get_lifter(str(merged["format"]))
        except UnknownFormatError as exc:
            raise fail(str(exc), "format") from None
        values["format"] = merged["format"]
    if kind == "directory":
        if not isinstance(merged.get("path"), str):
            raise fail("a directory source needs a 'path' (relative to this file)", "path")
        values["path"] = (path.parent / merged["path"]).resolve()
        return SourceConfig(**values)

    url = merged.get("url")
    if not isinstance(url, str):
        raise fail(f"a {kind} source needs a 'url'", "url")
    try:
        parse_origin(url)
    except ValueError as exc:
        raise fail(str(exc), "url") from None
    values["url"] = url
    policy = FetchPolicy()
    changes: dict[str, Any] = {}
    for key in ("timeout", "max_seconds", "backoff", "max_backoff", "max_retry_after"):
        if key in merged:
            changes[key] = _duration(merged[key], key, fail)
    if "max_bytes" in merged:
        changes["max_bytes"] = _size(merged["max_bytes"], fail)
    if "retries" in merged:
        changes["retries"] = _count(merged["retries"], "retries", fail, minimum=0)
    if "allow_hosts" in merged:
        hosts = merged["allow_hosts"]
        if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
            raise fail("must be a list of host or host:port names", "allow_hosts")
        changes["allow_hosts"] = tuple(hosts)
    values["fetch"] = replace(policy, **changes)
    for key in ("rows", "max_pages"):
        if key in merged:
            values[key] = _count(merged[key], key, fail, minimum=1)
    for key in ("sort", "fq", "set"):
        if key in merged:
            if not isinstance(merged[key], str):
                raise fail("must be a string", key)
            values[key] = merged[key]
    if kind == "oai-pmh":
        prefix = merged.get("metadata_prefix", "oai_datacite")
        if prefix not in OAI_PREFIXES and "format" not in values:
            raise fail(
                f"no lifter for metadataPrefix {prefix!r} (known: {', '.join(OAI_PREFIXES)}; or set 'format')",
                "metadata_prefix",
            )
        values["metadata_prefix"] = prefix
    return SourceConfig(**values)


def _schedule(value: object, fail: Any) -> Schedule:
    if isinstance(value, dict) and set(value) == {"every"}:
        value = f"every {value['every']}"
    if not isinstance(value, str):
        raise fail("must be hourly, daily, weekly, manual, 'every 6h' or {every: 6h}", "schedule")
    text = value.strip().lower()
    if text in _NAMED_SCHEDULES:
        return Schedule(text, _NAMED_SCHEDULES[text])
    if text == "manual":
        return Schedule(text, None)
    if text.startswith("every "):
        seconds = _duration(text[len("every ") :], "schedule", fail)
        if seconds <= 0:
            raise fail("the interval must be positive", "schedule")
        return Schedule(text, timedelta(seconds=seconds))
    raise fail("must be hourly, daily, weekly, manual, 'every 6h' or {every: 6h}", "schedule")


def _duration(value: object, key: str, fail: Any) -> float:
    """Seconds from ``30``, ``"30s"``, ``"500ms"``, ``"5m"``, ``"2h"``, ``"1d"`` or ``"1w"``."""
    if isinstance(value, bool):
        raise fail("must be a duration such as 30s, 5m, 1d", key)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION_RE.match(str(value).lower())
        if not match:
            raise fail(f"{value!r} is not a duration such as 30s, 5m, 1d", key)
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise fail("must not be negative", key)
    return seconds


def _size(value: object, fail: Any) -> int:
    """Bytes from ``1048576``, ``"512KB"``, ``"50MB"`` or ``"1GB"`` (powers of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        match = _SIZE_RE.match(str(value))
        if not match:
            raise fail(f"{value!r} is not a size such as 512KB, 50MB", "max_bytes")
        size = int(float(match.group(1)) * _SIZES[(match.group(2) or "B").lower()])
    if size <= 0:
        raise fail("must be positive", "max_bytes")
    return size


def _count(value: object, key: str, fail: Any, *, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise fail(f"must be an integer ≥ {minimum}", key)
    return value
