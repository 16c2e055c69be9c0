"""Harvest sources: collect each one's documents, take them through the one ingest path
(``Ingestor.ingest_documents``: lift → validate → store), mark what vanished as withdrawn,
and save the source's state for the next, incremental, harvest.

Withdrawn, never deleted: a record this harvester saw from a source before that the source no
longer lists (or that an OAI-PMH repository reports deleted) keeps its record graph; the
source's status graph ``graph/status/{source}`` says ``<record graph> cw:recordStatus
"withdrawn" ; cw:withdrawnOn "YYYY-MM-DD"^^xsd:date``. The date is wall-clock time, so status
graphs stay out of the canonical hash (``kg.export``), like the run log. A record that is listed
again loses the mark. Nothing is withdrawn after a harvest that could not read the whole listing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from kg.errors import CrosswalkError, UnknownFormatError
from kg.export import STATUS_GRAPHS  # excluded from the canonical hash there
from kg.harvest.config import HarvestConfig, SourceConfig
from kg.harvest.errors import HarvestError
from kg.harvest.fetch import Fetcher, HostAllowlist
from kg.harvest.sources import ADAPTERS, Collected
from kg.harvest.state import DocumentState, HarvestState, SourceState
from kg.lifting import get_lifter
from kg.namespaces import CW, XSD, record_graph, slug
from kg.ntriples import iri_nt, lit_nt
from kg.pipeline import Ingestor, IngestResult
from kg.validation import Validator

WITHDRAWN = "withdrawn"


def status_graph(source: str) -> str:
    """The graph of a source's record status facts (withdrawn records and since when)."""
    return f"{STATUS_GRAPHS}{slug(source)}"


class Progress(Protocol):
    """What a progress display is told (the CLI's is a tqdm bar)."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, n: int = 1, total: int | None = None) -> None: ...


@dataclass
class SourceReport:
    """The per-source summary of one harvest."""

    name: str
    kind: str
    status: str = "harvested"  # harvested | not due | disabled
    fetched: int = 0  # responses with a body (files read, for a directory)
    not_modified: int = 0  # 304 answers, and pages not requested because their sitemap lastmod is unchanged
    requests: int = 0
    retries: int = 0
    refused: int = 0  # URLs not fetched: host not allowed for the source
    documents: int = 0  # documents handed to lifting
    records: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0  # not re-lifted (same bytes, lifter, shapes, software) or lifted to the same graph
    withdrawn: int = 0  # marked withdrawn by this harvest
    restored: int = 0  # were withdrawn, listed again
    withdrawn_total: int = 0  # records of the source marked withdrawn after this harvest
    errors: list[CrosswalkError] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    run: str = ""
    ingest: IngestResult | None = None

    def summary(self) -> str:
        if self.status != "harvested":
            return f"{self.name} ({self.kind}): {self.status}"
        parts = [
            f"fetched {self.fetched}",
            f"{self.not_modified} not modified",
            f"{self.new} new",
            f"{self.changed} changed",
            f"{self.unchanged} unchanged",
            f"{self.withdrawn} withdrawn",
        ]
        if self.restored:
            parts.append(f"{self.restored} restored")
        parts += [f"{len(self.errors)} errors", f"{self.bytes:,} bytes", f"{self.seconds:.2f} s"]
        return f"{self.name} ({self.kind}): " + ", ".join(parts)


def harvest(
    config: HarvestConfig,
    data_dir: Path | str,
    *,
    names: Iterable[str] = (),
    due_only: bool = False,
    now: datetime | None = None,
    progress: Callable[[SourceConfig], Progress] | None = None,
    validator: Validator | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SourceReport]:
    """Harvest the sources named (default: all enabled ones; with ``due_only``, those whose
    schedule says they are due) into ``data_dir``. Returns one report per source."""
    now = now or datetime.now(UTC)
    names = list(names)
    chosen = [config.source(n) for n in names] if names else list(config.sources)
    states = HarvestState(Path(data_dir))
    reports: list[SourceReport] = []
    ingestor: Ingestor | None = None
    try:
        for source in chosen:
            state = states.load(source.name)
            if not names and not source.enabled:
                reports.append(SourceReport(source.name, source.kind, status="disabled"))
                continue
            if due_only and not source.schedule.is_due(state.last_run_at, now):
                reports.append(SourceReport(source.name, source.kind, status="not due"))
                continue
            if ingestor is None:
                ingestor = Ingestor(Path(data_dir), validator=validator)
            shown = progress(source) if progress else None
            reports.append(harvest_source(source, ingestor, states, state, now=now, progress=shown, sleep=sleep))
    finally:
        if ingestor is not None:
            ingestor.close()
    return reports


def harvest_source(
    source: SourceConfig,
    ingestor: Ingestor,
    states: HarvestState,
    state: SourceState,
    *,
    now: datetime,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SourceReport:
    """Harvest one source into the ingestor's store and save its state."""
    t0 = time.perf_counter()
    report = SourceReport(source.name, source.kind)
    if source.lifter:
        try:
            get_lifter(source.lifter)
        except UnknownFormatError as exc:
            report.errors.append(HarvestError(f"not harvested: {exc}", source=source.name, url=source.url))
            return report
    fetcher = (
        Fetcher(source.name, source.fetch, HostAllowlist(source.url, source.fetch.allow_hosts), sleep=sleep)
        if source.url
        else None
    )
    if progress:
        progress.stage("fetch", None)
    adapter = ADAPTERS[source.kind](
        source, state, raw=ingestor.raw, fetcher=fetcher, progress=progress.advance if progress else None
    )
    try:
        collected = adapter.collect()
    finally:
        if fetcher is not None:
            fetcher.close()
    report.errors += collected.errors
    documents = [d for item in collected.items for d in item.documents]
    report.documents = len(documents)
    result: IngestResult | None = None
    if documents:
        if progress:
            progress.stage("lift", len(documents))
        result = ingestor.ingest_documents(
            documents, run_parts=("harvest", source.name), progress=progress.advance if progress else None
        )
        report.ingest, report.run = result, result.run
        report.errors += result.errors
        counts = result.per_source.get(source.name, {})
        report.records = result.records
        report.new, report.changed, report.unchanged = (
            counts.get("new", 0),
            counts.get("changed", 0),
            counts.get("unchanged", 0),
        )
    else:
        os.sync()  # listing pages were kept without a per-file fsync

    documents_state, listed, vanished = _next_documents(state, collected, result)
    today = now.astimezone(UTC).date()
    withdrawn = dict(state.withdrawn)
    if collected.full_listing and not collected.failed:
        vanished |= state.known_keys() - listed
    vanished -= listed
    for key in sorted(_stored(ingestor, vanished)):
        if key not in withdrawn:
            withdrawn[key] = today.isoformat()
            report.withdrawn += 1
    for key in [k for k in withdrawn if k in listed]:
        del withdrawn[key]
        report.restored += 1
    if withdrawn != state.withdrawn:
        ingestor.store.replace_graphs({status_graph(source.name): "\n".join(status_lines(withdrawn))})
        ingestor.store.checkpoint(ingestor.dirs.checkpoints)
    report.withdrawn_total = len(withdrawn)

    state.kind = source.kind
    state.last_run = now.isoformat()
    if collected.full_listing and not collected.failed:
        state.last_complete = now.isoformat()
    if source.kind == "oai-pmh":
        state.oai_from = collected.next_from
    state.documents = documents_state
    state.withdrawn = withdrawn
    states.save(state)
    _log_errors(ingestor, source.name, report.run, collected.errors)

    if fetcher is not None:
        stats = fetcher.stats
        report.fetched, report.not_modified = stats.fetched, stats.not_modified
        report.requests, report.retries, report.refused, report.bytes = (
            stats.requests,
            stats.retries,
            stats.refused,
            stats.bytes,
        )
        report.not_modified += collected.reused
    else:
        report.fetched = len(collected.items)
        report.bytes = sum(len(d.data) for d in documents)
    report.seconds = time.perf_counter() - t0
    return report


def _next_documents(
    state: SourceState, collected: Collected, result: IngestResult | None
) -> tuple[dict[str, DocumentState], set[str], set[str]]:
    """The source's documents after this harvest, the record keys listed now, and the keys of
    documents the source reported deleted."""
    previous = state.documents
    # An incremental or broken listing names only part of the source: what it does not name stays.
    documents = dict(previous) if not collected.full_listing or collected.failed else {}
    for item in collected.items:
        holds = [result.listed.get(d.display) if result else None for d in item.documents]
        if any(keys is None for keys in holds):
            # Not readable this time (not split into records): it still holds what it held.
            item.state.keys = list(previous[item.doc_id].keys) if item.doc_id in previous else []
        else:
            item.state.keys = sorted({k for keys in holds for k in keys or ()})
        documents[item.doc_id] = item.state
    for doc_id in collected.carried:
        if doc_id in previous:
            documents[doc_id] = previous[doc_id]
    deleted: set[str] = set()
    for doc_id in collected.deleted:
        gone = documents.pop(doc_id, None) or previous.get(doc_id)
        if gone is not None:
            deleted.update(gone.keys)
    listed = {k for d in documents.values() for k in d.keys}
    return documents, listed, deleted


def _stored(ingestor: Ingestor, keys: set[str]) -> set[str]:
    """The keys among ``keys`` whose record graph is in the store (only those can be marked)."""
    if not keys:
        return set()
    stored: set[str] = set()
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        values = " ".join(f"<{record_graph(k)}>" for k in ordered[i : i + 500])
        rows = ingestor.store.select(
            f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{CW.contentHash}> ?h }} }}"
        )
        stored |= {row["g"].rsplit("/", 1)[-1] for row in rows}
    return stored


def status_lines(withdrawn: dict[str, str]) -> list[str]:
    """N-Triples of a source's status graph."""
    lines: list[str] = []
    for key, day in sorted(withdrawn.items()):
        g = iri_nt(record_graph(key))
        lines.append(f"{g} <{CW.recordStatus}> {lit_nt(WITHDRAWN)} .")
        lines.append(f'{g} <{CW.withdrawnOn}> "{date.fromisoformat(day).isoformat()}"^^<{XSD.date}> .')
    return lines


def _log_errors(ingestor: Ingestor, source: str, run: str, errors: list[CrosswalkError]) -> None:
    """Fetch errors go to ``errors.jsonl`` beside the lift errors the pipeline writes there
    (same keys; ``file`` is the URL, ``source`` the harvest source)."""
    rows = [e for e in errors if isinstance(e, HarvestError)]
    if not rows:
        return
    with open(ingestor.dirs.errors_log, "a", encoding="utf-8") as fh:
        for err in rows:
            fh.write(
                json.dumps(
                    {
                        "run": run,
                        "source": source,
                        "file": err.url,
                        "record": err.record,
                        "field": None,
                        "error": err.message,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
