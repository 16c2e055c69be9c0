"""Per-source harvest state in the data directory: ``harvest/{source}.json``.

What the next harvest of a source needs to be incremental: when it last ran, each document's
validators for a conditional GET (ETag, Last-Modified, sitemap ``lastmod``, OAI datestamp), the
sha256 of the bytes it gave last time (kept in the raw store) and the record keys they held, the
OAI-PMH ``from`` date, and which records are marked withdrawn since when. Written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from kg.namespaces import slug

VERSION = 1


@dataclass
class DocumentState:
    """One document of a source as last harvested (a catalog, a package, an OAI record, a page)."""

    url: str
    sha256: str | None = None  # of the bytes last received (in the raw store)
    etag: str | None = None
    last_modified: str | None = None
    stamp: str | None = None  # the source's own change marker: sitemap lastmod, OAI datestamp
    content_type: str = ""
    keys: list[str] = field(default_factory=list)  # record keys the document held


@dataclass
class SourceState:
    name: str
    kind: str = ""
    last_run: str | None = None  # ISO 8601 UTC, start of the last run
    last_complete: str | None = None  # start of the last run that saw the whole listing
    oai_from: str | None = None  # OAI-PMH: the next incremental harvest asks for records from this date
    documents: dict[str, DocumentState] = field(default_factory=dict)
    withdrawn: dict[str, str] = field(default_factory=dict)  # record key → date (YYYY-MM-DD) first marked

    @property
    def last_run_at(self) -> datetime | None:
        return datetime.fromisoformat(self.last_run) if self.last_run else None

    def known_keys(self) -> set[str]:
        return {k for d in self.documents.values() for k in d.keys}


class HarvestState:
    """The state files of every source under ``{data_dir}/harvest/``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "harvest"

    def path_for(self, name: str) -> Path:
        return self.root / f"{slug(name)}.json"

    def load(self, name: str) -> SourceState:
        path = self.path_for(name)
        if not path.exists():
            return SourceState(name=name)
        raw = json.loads(path.read_text(encoding="utf-8"))
        documents = {k: DocumentState(**v) for k, v in raw.get("documents", {}).items()}
        return SourceState(
            name=raw.get("name", name),
            kind=raw.get("kind", ""),
            last_run=raw.get("last_run"),
            last_complete=raw.get("last_complete"),
            oai_from=raw.get("oai_from"),
            documents=documents,
            withdrawn=dict(raw.get("withdrawn", {})),
        )

    def save(self, state: SourceState) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.path_for(state.name)
        body = {"version": VERSION, **asdict(state)}
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
