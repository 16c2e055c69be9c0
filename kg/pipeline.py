"""ingest(): the one place that composes harvest → lift → validate → store.

The CLI and the web app call these verbs; nothing else wires the stages together.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS

from kg import __version__
from kg.config import DataDir
from kg.errors import LiftError, UnknownFormatError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, Lifter
from kg.namespaces import (
    BASE,
    CW,
    RUNS_GRAPH,
    SOFTWARE_GRAPH,
    raw_iri,
    record_graph,
    record_key,
    short_hash,
    source_graph,
    source_iri,
    validation_graph,
)
from kg.ntriples import graph_hash, iri_nt, lit_nt, nt_lines, parse_lines, term_nt
from kg.rawstore import RawStore
from kg.store import GraphStore
from kg.validation import RecordReport, Validator, report_lines

SOFTWARE = URIRef(f"{BASE}software/crosswalk/{__version__}")
SKIP_NAMES = {"README.md", "SOURCE.md", "LICENSE", ".DS_Store"}
SKIP_SUFFIXES = {".md", ".txt", ".xsd", ".py", ".png", ".jpg", ".html"}  # CSV/TSV: inventories; .bad: lifted, so its error shows
BATCH = 250


@dataclass
class IngestResult:
    """What an ingest did: counts, timings (seconds per stage), errors and findings."""

    run: str = ""
    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    records: int = 0
    stored: int = 0
    unchanged: int = 0
    errors: list[LiftError] = field(default_factory=list)
    reports: dict[str, RecordReport] = field(default_factory=dict)
    listed: dict[str, list[str] | None] = field(default_factory=dict)  # document → its record keys
    per_source: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def violations(self) -> int:
        return sum(1 for r in self.reports.values() if not r.conforms)


@dataclass(frozen=True)
class Document:
    """One input to lift: its bytes, the name shown in errors and provenance (a path relative to
    the ingested argument, or the URL it was fetched from), its source, and optionally the
    format to force (a lifter's short name; else the format is detected from the content)."""

    data: bytes
    display: str
    source: str
    format: str | None = None
    filename: str = ""  # for format detection; default: the last segment of ``display``

    @property
    def name(self) -> str:
        if self.filename:
            return self.filename
        return self.display.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str  # path shown in errors and provenance: relative to the argument, never absolute
    source: str


def discover(paths: Iterable[Path | str], *, source: str | None = None) -> Iterator[InputFile]:
    """Files to ingest under ``paths`` (recursively), each with the source it belongs to.

    The source is ``source`` when given. Else, for a directory argument with several
    subdirectories, the first directory below it (``examples/nrel/data.json`` → ``nrel``: a
    directory of sources); for a catalog file directly in it, the file's stem
    (``energy.data.json`` → ``energy``); otherwise the argument directory's own name.
    For a file argument: a catalog file's stem, else its parent directory's name.
    """
    for arg in paths:
        arg = Path(arg)
        if arg.is_dir():
            files = sorted(p for p in arg.rglob("*") if p.is_file())
            several = sum(1 for p in arg.iterdir() if p.is_dir() and not p.name.startswith(".")) > 1
            for path in files:
                if path.name in SKIP_NAMES or path.name.startswith("."):
                    continue
                rel = path.relative_to(arg)
                display = f"{arg.name}/{rel.as_posix()}"
                if source:
                    src = source
                elif len(rel.parts) > 1:
                    src = rel.parts[0] if several else arg.resolve().name
                elif path.name.endswith(".data.json"):
                    src = _source_from_file(path)
                else:
                    src = arg.resolve().name
                yield InputFile(path, display, src)
        elif arg.is_file():
            yield InputFile(arg, arg.name, source or _source_from_file(arg))
        else:
            raise FileNotFoundError(f"no such file or directory: {arg}")


def file_documents(
    paths: Iterable[Path | str], *, format: str | None = None, source: str | None = None
) -> tuple[list[Document], list[str]]:
    """The files under ``paths`` read as documents, and the files skipped for their suffix
    (READMEs, images, schemas ...; none when a format is forced)."""
    documents: list[Document] = []
    skipped: list[str] = []
    for item in discover(paths, source=source):
        if item.path.suffix.lower() in SKIP_SUFFIXES and format is None:
            skipped.append(item.display)
            continue
        documents.append(Document(item.path.read_bytes(), item.display, item.source, format, item.path.name))
    return documents, skipped


def _source_from_file(path: Path) -> str:
    name = path.name
    if name.endswith(".data.json"):
        return name[: -len(".data.json")]
    return path.parent.name or path.stem


class Ingestor:
    """Ingest files into a data directory's store. One instance per run."""

    def __init__(self, data_dir: Path, *, validator: Validator | None = None) -> None:
        self.dirs = DataDir(Path(data_dir)).ensure()
        self.store = GraphStore(self.dirs.store)
        self.raw = RawStore(self.dirs.raw)
        self.validator = validator or Validator()
        self._validation_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate")
        self._rejected: dict[str, LiftError] = {}
        self._in_flight: tuple[list[tuple[LiftedRecord, str]], dict[str, list[str]], Future] | None = None

    def close(self) -> None:
        self._validation_pool.shutdown(wait=True)
        self.store.close()

    def ingest(
        self,
        paths: Iterable[Path | str],
        *,
        format: str | None = None,
        source: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> IngestResult:
        """Ingest files and directories: read them as documents and take the one shared path."""
        if format:
            get_lifter(format)  # an unknown format fails before anything is read or written
        documents, skipped = file_documents(paths, format=format, source=source)
        if progress and skipped:
            progress(len(skipped))
        result = self.ingest_documents(documents, run_parts=(format or "", source or ""), progress=progress)
        result.skipped_files[:0] = skipped
        return result

    def ingest_documents(
        self,
        documents: Iterable[Document],
        *,
        run_parts: tuple[str, ...] = ("", ""),
        progress: Callable[[int], None] | None = None,
    ) -> IngestResult:
        """Lift, validate and store documents (files read, or records a harvester fetched).

        The one path every input takes. Each document's bytes are kept in the raw store, readable
        or not. ``run_parts`` (with the documents' hashes and the software version) names the run.
        ``result.listed`` says which record keys each document holds, or None when it could not
        be split into records.
        """
        result = IngestResult()
        started = datetime.now(UTC)
        documents = list(documents)
        forced_lifters: dict[str, Lifter] = {d.format: get_lifter(d.format) for d in documents if d.format}
        existing, fingerprints = self.store.record_state()
        # Torn writes have no commit marker, so they are not in ``existing`` and are rewritten.
        self.store.repair(
            f"{BASE}graph/record/",
            companions=[(f"{BASE}graph/record/", f"{BASE}graph/validation/")],
            marked=existing,
        )
        seen_keys: dict[str, str] = {}
        seen_shas: dict[str, str] = {}
        file_shas: list[str] = []
        pending: list[tuple[LiftedRecord, str]] = []
        touched_sources: set[str] = set()

        # The run IRI depends only on the inputs and the software: re-running the same input
        # names the same run, so wall-clock time never leaks into record graphs.
        loaded: list[tuple[Document, bytes, str]] = []
        for item in documents:
            sha = self.raw.put(item.data)  # every input's bytes are kept, readable or not
            file_shas.append(sha)
            loaded.append((item, item.data, sha))
        run = URIRef(f"{BASE}run/" + short_hash(__version__, *run_parts, *sorted(file_shas)))
        result.run = str(run)

        for item, data, file_sha in loaded:
            result.files += 1
            t0 = time.perf_counter()
            result.listed[item.display] = None
            try:
                lifter = forced_lifters[item.format] if item.format else guess_lifter(data, item.name)
            except Exception as exc:  # noqa: BLE001 - a lifter's detect bug must not stop the batch
                result.errors.append(
                    LiftError(f"internal error while detecting the format ({type(exc).__name__}: {exc})",
                              source_file=item.display)  # fmt: skip
                )
                if progress:
                    progress(1)
                continue
            if lifter is None:
                if progress:
                    progress(1)
                result.skipped_files.append(item.display)
                result.errors.append(
                    LiftError(
                        "no lifter recognises this file; give --format to force one",
                        source_file=item.display,
                    )
                )
                continue
            try:
                pieces = list(lifter.split(data, source_file=item.display))
            except (LiftError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                if not isinstance(exc, LiftError):  # a lifter bug must not stop the batch; report it like bad input
                    exc = LiftError(f"internal lifting error ({type(exc).__name__}: {exc})", source_file=item.display)
                result.errors.append(exc.with_traceback(None))
                result.timings["lift"] += time.perf_counter() - t0
                if progress:
                    progress(1)
                continue
            listed = result.listed[item.display] = []
            for piece in pieces:
                if isinstance(piece, LiftError):
                    result.errors.append(piece)
                    continue
                result.records += 1
                self.raw.put(piece.data, sync=False)
                key = record_key(item.source, piece.local_id)
                listed.append(key)
                if key in seen_keys:
                    if seen_shas.get(key) == piece.sha256:
                        continue  # the very same record listed twice (e.g. a series member also at top level)
                    result.errors.append(
                        LiftError(
                            f"duplicate identifier within source {item.source!r} "
                            f"(first seen at {seen_keys[key]}); this copy was not stored",
                            source_file=item.display,
                            record=piece.local_id,
                            field=piece.pointer + "/identifier",
                        )
                    )
                    continue
                fingerprint = input_fingerprint(piece.sha256, lifter, item.source, self.validator, lifter.fingerprint_extra(piece))
                if fingerprints.get(key) == fingerprint:
                    # Same raw bytes through the same lifter, shapes and software: the stored graph
                    # is what lifting would give again. Not re-lifted, not re-validated.
                    seen_keys[key] = f"{item.display}{piece.pointer}"
                    seen_shas[key] = piece.sha256
                    # its source's catalog facts and alignment are rebuilt all the same: a run
                    # killed after committing this record never wrote them (tests/test_durability.py)
                    touched_sources.add(item.source)
                    result.unchanged += 1
                    result.per_source[item.source]["records"] += 1
                    result.per_source[item.source]["unchanged"] += 1
                    continue
                try:
                    rec = lifter.lift(piece, source=item.source)
                except LiftError as exc:
                    result.errors.append(exc.with_traceback(None))
                    continue
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    # A lifter bug must not stop the batch; report it like any bad record.
                    result.errors.append(
                        LiftError(
                            f"internal lifting error ({type(exc).__name__}: {exc})",
                            source_file=item.display,
                            record=piece.local_id,
                        )
                    )
                    continue
                rec.fingerprint = fingerprint
                seen_keys[key] = f"{item.display}{piece.pointer}"
                seen_shas[key] = piece.sha256
                pending.append((rec, file_sha))
                touched_sources.add(item.source)
                result.per_source[item.source]["records"] += 1
            result.timings["lift"] += time.perf_counter() - t0
            if progress:
                progress(1)
            while len(pending) >= BATCH:
                self._write_batch(pending[:BATCH], run, existing, result)
                pending = pending[BATCH:]
        if pending:
            self._write_batch(pending, run, existing, result)
        self._drain(run, existing, result)

        t0 = time.perf_counter()
        self._align(touched_sources, result)
        result.timings["align"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for src in sorted(touched_sources):
            self._rebuild_source_graph(src)
        self.store.replace_graphs({SOFTWARE_GRAPH: "\n".join(nt_lines(software_triples()))})
        self._log_run(run, started, result)
        self.store.checkpoint(self.dirs.checkpoints)
        result.timings["store"] += time.perf_counter() - t0
        self._append_error_log(result)
        os.sync()  # raw records were written without a per-file fsync
        return result

    # --- steps ---------------------------------------------------------------------------

    def _write_batch(
        self,
        batch: list[tuple[LiftedRecord, str]],
        run: URIRef,
        existing: dict[str, str],
        result: IngestResult,
    ) -> None:
        """Hand a batch to validation and store the batch validated before it.

        pyrudof releases the GIL, so validating batch N on a thread overlaps lifting batch N+1
        (measured on 2 cores: ~1.8 s of validation per 1,809 records hidden).
        """
        t0 = time.perf_counter()
        lifted_lines = {rec.key: nt_lines(rec.graph) for rec, _ in batch}
        result.timings["store"] += time.perf_counter() - t0
        future = self._validation_pool.submit(self._timed_validate, batch, lifted_lines)
        self._drain(run, existing, result)
        self._in_flight = (batch, lifted_lines, future)

    def _timed_validate(
        self, batch: list[tuple[LiftedRecord, str]], lines: dict[str, list[str]]
    ) -> tuple[dict[str, RecordReport], float]:
        t0 = time.perf_counter()
        try:
            reports = self.validator.validate([rec for rec, _ in batch], lines)
        except Exception:  # noqa: BLE001 - the engine rejected the batch: find the record(s)
            reports = {}
            for rec, _file_sha in batch:
                try:
                    reports.update(self.validator.validate([rec], lines))
                except Exception as exc:  # noqa: BLE001
                    self._rejected[rec.key] = LiftError(
                        f"the lifted RDF is rejected by the SHACL engine ({str(exc)[:300]}); not stored",
                        source_file=rec.raw.source_file,
                        record=rec.raw.local_id,
                    )
        return reports, time.perf_counter() - t0

    def _drain(self, run: URIRef, existing: dict[str, str], result: IngestResult) -> None:
        """Store the batch whose validation is under way, once it is done."""
        if self._in_flight is None:
            return
        batch, lifted_lines, future = self._in_flight
        self._in_flight = None
        reports, seconds = future.result()
        result.timings["validate"] += seconds
        self._store_batch(batch, lifted_lines, reports, run, existing, result)

    def _store_batch(
        self,
        batch: list[tuple[LiftedRecord, str]],
        lifted_lines: dict[str, list[str]],
        reports: dict[str, RecordReport],
        run: URIRef,
        existing: dict[str, str],
        result: IngestResult,
    ) -> None:
        t0 = time.perf_counter()
        graphs: dict[str, list[str]] = {}
        markers: dict[str, str] = {}
        replace: list[str] = []
        for rec, file_sha in batch:
            if rec.key in self._rejected:
                result.errors.append(self._rejected.pop(rec.key))
                continue
            report = reports[rec.key]
            result.reports[rec.key] = report
            if not report.conforms:
                result.per_source[rec.source]["violations"] += 1
            g_iri = record_graph(rec.key)
            lines = lifted_lines[rec.key] + provenance_lines(rec)
            lines.sort()
            v_lines = report_lines(rec.key, report, str(rec.dataset))
            content = graph_hash(lines + ["#validation"] + v_lines)
            if existing.get(g_iri) == content:
                result.unchanged += 1
                result.per_source[rec.source]["unchanged"] += 1
                continue
            g = URIRef(g_iri)
            lines += origin_lines(rec, file_sha, run)
            graphs[g_iri] = lines
            graphs[validation_graph(rec.key)] = v_lines
            markers[g_iri] = f"{term_nt(g)} {term_nt(CW.contentHash)} {term_nt(Literal(content))} ."
            if g_iri in existing:
                replace += [g_iri, validation_graph(rec.key)]
                result.per_source[rec.source]["changed"] += 1
            else:
                result.per_source[rec.source]["new"] += 1
            existing[g_iri] = content
            result.stored += 1
            result.per_source[rec.source]["stored"] += 1
        self.store.write_graphs(graphs, markers=markers, replace=replace)
        result.timings["store"] += time.perf_counter() - t0

    def _align(self, sources: set[str], result: IngestResult) -> None:
        """Align the sources' records to the accepted mappings (kg.alignment): only alignment
        graphs whose content changes are written. A bad mapping set is reported, not applied."""
        from kg.alignment.align import align, load_mapping_sets
        from kg.alignment.sssom import MappingSetError

        if not sources:
            return
        try:
            sets = load_mapping_sets()
        except MappingSetError as exc:
            result.errors.append(LiftError(f"mapping set not applied: {exc}", source_file=exc.path))
            return
        if sets:
            align(self.store, sets, sources=sources)

    def _rebuild_source_graph(self, source: str) -> None:
        """Catalog-level facts of one source: which records and datasets it holds."""
        src = source_iri(source)
        rows = self.store.select(
            f"""SELECT ?g ?ds WHERE {{ GRAPH ?g {{ ?g <{CW.source}> <{src}> ;
                   <{FOAF.primaryTopic}> ?ds }} }}"""
        )
        lines = [
            f"<{src}> {term_nt(RDF.type)} {term_nt(DCAT.Catalog)} .",
            f"<{src}> {term_nt(DCTERMS.title)} {term_nt(Literal(source))} .",
            f"<{src}> {term_nt(CW.accessLevel)} {term_nt(Literal('public'))} .",
        ]
        for row in rows:
            lines.append(f"<{src}> {term_nt(DCAT.record)} <{row['g']}> .")
            lines.append(f"<{src}> {term_nt(DCAT.dataset)} <{row['ds']}> .")
        self.store.replace_graphs({source_graph(source): "\n".join(sorted(set(lines)))})

    def _log_run(self, run: URIRef, started: datetime, result: IngestResult) -> None:
        """Wall-clock facts of the run go to the run log graph, outside the canonical hash."""
        ended = datetime.now(UTC)
        event = URIRef(f"{run}/at/{started.strftime('%Y%m%dT%H%M%S%fZ')}")
        triples = [
            (run, RDF.type, PROV.Activity),
            (run, PROV.wasAssociatedWith, SOFTWARE),
            (event, RDF.type, CW.RunEvent),
            (event, CW.ofRun, run),
            (event, PROV.startedAtTime, Literal(started)),
            (event, PROV.endedAtTime, Literal(ended)),
            (event, CW.recordsSeen, Literal(result.records)),
            (event, CW.recordsStored, Literal(result.stored)),
            (event, CW.recordsUnchanged, Literal(result.unchanged)),
            (event, CW.errorCount, Literal(len(result.errors))),
        ]
        for i, err in enumerate(result.errors[:1000]):
            node = URIRef(f"{event}/error/{i}")
            triples += [
                (event, CW.error, node),
                (node, RDF.type, CW.LiftProblem),
                (node, RDFS.comment, Literal(err.message)),
            ]
            for prop, value in (
                (CW.sourceFile, err.source_file),
                (CW.recordRef, err.record),
                (CW.sourceField, err.field),
            ):
                if value:
                    triples.append((node, prop, Literal(value)))
        self.store.store.update(
            "INSERT DATA { GRAPH <" + RUNS_GRAPH + "> {\n" + "\n".join(nt_lines(triples)) + "\n} }"
        )

    def _append_error_log(self, result: IngestResult) -> None:
        if not result.errors:
            return
        with open(self.dirs.errors_log, "a", encoding="utf-8") as fh:
            for err in result.errors:
                fh.write(
                    json.dumps(
                        {
                            "run": result.run,
                            "file": err.source_file,
                            "record": err.record,
                            "field": err.field,
                            "error": err.message,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )


def input_fingerprint(raw_sha: str, lifter: Lifter, source: str, validator: Validator, extra: str = "") -> str:
    """What a record graph is a function of: raw bytes, lifter, source, shapes, software, base,
    and what else the lifter names (a CSV record's crosswalk digest)."""
    return short_hash(
        raw_sha, lifter.format.name, lifter.version, source, validator.shapes_digest, __version__, BASE, extra, length=32
    )


def provenance_lines(rec: LiftedRecord) -> list[str]:
    """PROV-O facts of one record graph, as N-Triples: raw record, source, lifter, software.

    The run and the input file are added separately (``origin_lines``) so that the content
    hash depends on the record's own bytes only: the same record in a changed catalog file is
    unchanged and is not rewritten. Written as text: rdflib terms cost more than the rest.
    """
    cw, prov, dct = str(CW), str(PROV), str(DCTERMS)
    g = iri_nt(record_graph(rec.key))
    raw_record = iri_nt(raw_iri(rec.raw.sha256))
    lifter = iri_nt(f"{BASE}lifter/{rec.lifter}/{rec.lifter_version}")
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [
        f"{g} {rdf_type} <{DCAT.CatalogRecord}> .",
        f"{g} <{FOAF.primaryTopic}> {term_nt(rec.dataset)} .",
        f"{g} <{cw}recordKey> {lit_nt(rec.key)} .",
        f"{g} <{cw}source> {iri_nt(source_iri(rec.source))} .",
        f"{g} <{cw}localIdentifier> {lit_nt(rec.raw.local_id)} .",
        f"{g} <{cw}sourceFile> {lit_nt(rec.raw.source_file)} .",
        f"{g} <{cw}sourcePointer> {lit_nt(rec.raw.pointer)} .",
        f"{g} <{prov}wasDerivedFrom> {raw_record} .",
        f"{g} <{prov}wasAttributedTo> {lifter} .",
        f"{g} <{cw}lifter> {lit_nt(rec.lifter)} .",
        f"{g} <{cw}lifterVersion> {lit_nt(rec.lifter_version)} .",
        f"{g} <{cw}softwareVersion> {lit_nt(__version__)} .",
        f"{g} <{cw}inputFingerprint> {lit_nt(rec.fingerprint)} .",
        f"{raw_record} {rdf_type} <{prov}Entity> .",
        f"{raw_record} <{cw}sha256> {lit_nt(rec.raw.sha256)} .",
        f"{raw_record} <{dct}format> {lit_nt(rec.raw.media_type)} .",
    ]
    # DCAT-US 3.0 requires dcterms:modified on a dcat:CatalogRecord. Wall-clock time must stay
    # out of the hashed triples, so the record carries the date its source gives the entry.
    entry_date = rec.graph.value(rec.dataset, DCTERMS.modified) or rec.graph.value(rec.dataset, DCTERMS.issued)
    if entry_date is not None:
        lines.append(f"{g} <{dct}modified> {term_nt(entry_date)} .")
    return lines


def provenance_triples(rec: LiftedRecord, file_sha: str = "") -> list[tuple[object, object, object]]:
    """``provenance_lines`` as rdflib triples (for tools and tests)."""
    return parse_lines(provenance_lines(rec))


def software_triples() -> list[tuple[object, object, object]]:
    """The software agents record graphs point to (graph/software, written on every ingest)."""
    from kg.lifting import lifters

    triples: list[tuple[object, object, object]] = [
        (SOFTWARE, RDF.type, PROV.SoftwareAgent),
        (SOFTWARE, RDFS.label, Literal(f"Crosswalk {__version__}")),
    ]
    for lf in lifters():
        agent = URIRef(f"{BASE}lifter/{lf.format.name}/{lf.version}")
        triples += [
            (agent, RDF.type, PROV.SoftwareAgent),
            (agent, RDFS.label, Literal(f"Crosswalk {lf.format.name} lifter {lf.version}")),
            (agent, PROV.actedOnBehalfOf, SOFTWARE),
        ]
    return triples


def origin_lines(rec: LiftedRecord, file_sha: str, run: URIRef) -> list[str]:
    """The run that wrote the record graph and the input file its raw record was cut from."""
    g = iri_nt(record_graph(rec.key))
    raw_record = iri_nt(raw_iri(rec.raw.sha256))
    raw_file = iri_nt(raw_iri(file_sha))
    return [
        f"{g} <{PROV.wasGeneratedBy}> {iri_nt(str(run))} .",
        f"{raw_record} <{PROV.wasDerivedFrom}> {raw_file} .",
        f"{raw_file} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PROV.Entity}> .",
        f"{raw_file} <{CW.sha256}> {lit_nt(file_sha)} .",
    ]




__all__ = ["Document", "IngestResult", "Ingestor", "UnknownFormatError", "discover", "file_documents"]
