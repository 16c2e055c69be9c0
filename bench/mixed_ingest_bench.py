"""Ingest a mixed directory of 10,000 records of every format, built from real corpus records.

The directory is built in a temporary directory (never in the repo). Its records are distinct
copies of the real records ``lift_bench.corpus_files()`` finds for every lifter: each copy of a
file appends ``-copy-NNNNN`` (NNNNN unique per copied file) to every record's identifier, its
DOI and the identifier's parts where the identifier is composed (UMM-C ``ShortName___Version``,
a Turtle prefixed name), and `` (copy-NNNNN)`` to every record's title, so every copy is a new
record, not a duplicate; an identifier URL's fragment does not make another dataset, so it gets
the suffix before its fragment too. Each file's copy is checked before the run: split and lifted
again, it must give the same lifter, as many records, and none with an identifier or a dataset
IRI of the original (records that share one dataset IRI in the original still share it within
a copy, as the lifters' identity rules say). Per-format shares
follow the corpus's own proportions (the corpus is copied whole N // corpus times, the rest is
filled per format with whole files); they are printed.

Then the real ``kg.pipeline.Ingestor`` ingests the directory into a fresh data dir: wall time,
records/s, per-stage timings (validation runs on its own thread, so stages add up to more than
the wall time), records per format, errors, peak RSS, store size; then a second ingest of the
unchanged directory. ``--link`` also embeds and links (off by default: the embedder runs at
~40 texts/s on 2 cores, ~4 min for 10,000 records).
Usage: .venv/bin/python bench/mixed_ingest_bench.py [--records N] [--keep DIR] [--link]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # lift_bench, beside this file

from lift_bench import CORPUS_ROOTS, ROOT, corpus_files, machine, machine_line  # noqa: E402
from rdflib.namespace import DCTERMS  # noqa: E402

from kg.config import DataDir  # noqa: E402
from kg.errors import LiftError  # noqa: E402
from kg.lifting import get_lifter, guess_lifter  # noqa: E402
from kg.namespaces import normalize_identifier_url  # noqa: E402
from kg.pipeline import Ingestor  # noqa: E402

ID_PARTS = re.compile(r"___|\s+<|[<>#/:]")
SPACE = b" \r\n\t"
VALUE_START = b'">,\t\n'  # a title counts only where it is a whole value: a JSON or Turtle string,
VALUE_END = b'"<,\t\r\n'  # an XML element's text, a CSV/TSV cell; never part of a key or a tag


@dataclass
class Template:
    """A real corpus file and where its copies insert the suffixes."""

    format: str
    path: Path
    source: str  # the source its copies are ingested under (the corpus folder)
    records: int
    ids: frozenset[str]  # the original records' local identifiers
    datasets: frozenset[str]  # and their dataset IRIs
    data: bytes
    marks: list[tuple[int, bool]]  # (position, is_title): a suffix is inserted there
    titles_marked: int = 0

    def copy(self, serial: int) -> bytes:
        suffix = {False: f"-copy-{serial:05d}".encode(), True: f" (copy-{serial:05d})".encode()}
        out, last = [], 0
        for pos, is_title in self.marks:
            out += [self.data[last:pos], suffix[is_title]]
            last = pos
        out.append(self.data[last:])
        return b"".join(out)


def source_name(path: Path) -> str:
    """The source a copy of ``path`` is ingested under: its corpus folder, or its repo folder."""
    for root in CORPUS_ROOTS:
        if path.is_relative_to(root):
            rel = path.relative_to(root)
            return rel.parts[0] if root.name == "corpus" else "dcat-us-3-examples"
    return "team-samples" if path.parent.name == "data" else path.parent.name


def occurrences(haystack: bytes, needle: bytes) -> list[tuple[int, int]]:
    found, i = [], haystack.find(needle)
    while i >= 0 and needle:
        found.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1)
    return found


def id_marks(data: bytes, tokens: set[str]) -> list[int]:
    """Ends of the tokens' occurrences (ASCII case ignored), the longest where two overlap."""
    lower = data.lower()
    spans = sorted(
        (span for t in tokens for span in occurrences(lower, t.lower().encode())), key=lambda s: (s[0], -s[1])
    )
    ends, reach = [], -1
    for start, end in spans:
        if start >= reach:
            ends.append(end)
            reach = end
    return ends


def is_whole_value(data: bytes, start: int, end: int) -> bool:
    j = start - 1
    while j >= 0 and data[j] in SPACE and data[j] not in VALUE_START:
        j -= 1
    k = end
    while k < len(data) and data[k] in SPACE and data[k] not in VALUE_END:
        k += 1
    return j >= 0 and data[j] in VALUE_START and k < len(data) and data[k] in VALUE_END


def title_marks(data: bytes, titles: set[str]) -> list[int]:
    """Ends of the titles where they stand as whole values; a title the input wraps over lines
    (XML) is found with any whitespace between its words."""
    ends: set[int] = set()
    for title in titles:
        spans = occurrences(data, title.encode())
        if not spans:
            pattern = rb"\s+".join(re.escape(w.encode()) for w in title.split())
            spans = [m.span() for m in re.finditer(pattern, data)]
        ends.update(end for start, end in spans if is_whole_value(data, start, end))
    return sorted(ends)


def last_part(local_id: str, lower: bytes) -> str | None:
    """The most specific part of a composed identifier that the input spells (UMM-C
    ``ShortName___Version``, ``{Facility}/{Proposal}``, a Turtle prefixed name's local part)."""
    parts = [p.strip() for p in ID_PARTS.split(local_id) if len(p.strip()) >= 4]
    parts = [p for p in parts if p.lower().encode() in lower]
    return parts[-1] if parts else None


def make_template(fmt: str, path: Path) -> tuple[Template | None, str]:
    """A template for ``path``, or None and why not (no records, or copies would not be new)."""
    lifter = get_lifter(fmt)
    data = path.read_bytes()
    source = source_name(path)
    try:
        pieces = [p for p in lifter.split(data, source_file=path.name) if not isinstance(p, LiftError)]
    except LiftError as exc:
        return None, f"unreadable ({exc.message[:80]})"
    except Exception as exc:  # noqa: BLE001 - a lifter crash: report, do not copy
        return None, f"split crashed: {type(exc).__name__}: {exc}"
    if not pieces:
        return None, "no records"
    lower = data.lower()
    tokens: set[str] = set()
    url_tokens: set[str] = set()  # an identifier URL without its fragment: what its dataset IRI is minted from
    titles: set[str] = set()
    datasets: set[str] = set()
    for piece in pieces:
        if piece.local_id.lower().encode() in lower:
            tokens.add(piece.local_id)
        if "#" in piece.local_id and normalize_identifier_url(piece.local_id):
            base = piece.local_id.split("#", 1)[0]
            if base.lower().encode() in lower:
                url_tokens.add(base)
        try:
            rec = lifter.lift(piece, source=source)
        except Exception:  # noqa: BLE001 - a record that does not lift is copied as it is, and fails again
            continue
        datasets.add(str(rec.dataset))
        if rec.doi and rec.doi.lower().encode() in lower:
            tokens.add(rec.doi)
        titles.update(str(t) for t in rec.graph.objects(rec.dataset, DCTERMS.title) if len(str(t)) >= 8)
    t_marks = title_marks(data, titles)
    template = Template(
        fmt,
        path,
        source,
        len(pieces),
        frozenset(p.local_id for p in pieces),
        frozenset(datasets),
        data,
        [],
        len(t_marks),
    )
    for attempt in range(2):
        marks = {(end, False) for end in id_marks(data, tokens) + id_marks(data, url_tokens)}
        template.marks = sorted(marks | {(end, True) for end in t_marks})
        problem, kept = check_copy(template, 99999)
        if not kept or attempt:
            break
        # Identifiers the input does not spell whole (composed ones): suffix their last part.
        tokens.update(part for part in (last_part(i, lower) for i in kept) if part)
    return (None, problem) if problem else (template, "")


def check_copy(template: Template, serial: int) -> tuple[str, list[str]]:
    """Why a copy of ``template`` would not be a set of new records ("" when it is), and the
    identifiers the copy keeps. A new record has a new identifier and a new dataset IRI."""
    data = template.copy(serial)
    lifter = guess_lifter(data, template.path.name)
    if lifter is None or lifter.format.name != template.format:
        return f"the copy is guessed as {lifter.format.name if lifter else None}, not {template.format}", []
    try:
        pieces = [p for p in lifter.split(data, source_file=template.path.name) if not isinstance(p, LiftError)]
    except LiftError as exc:
        return f"the copy is unreadable: {exc.message[:120]}", []
    if len(pieces) != template.records:
        return f"the copy has {len(pieces)} records, the original {template.records}", []
    kept = [p.local_id for p in pieces if p.local_id in template.ids]
    if kept:
        return f"{len(kept)} record(s) keep their identifier in the copy (e.g. {kept[0]!r})", kept
    same = []
    for piece in pieces:
        try:
            rec = lifter.lift(piece, source=template.source)
        except Exception:  # noqa: BLE001 - as in the original
            continue
        if str(rec.dataset) in template.datasets:
            same.append(piece.local_id)
    if same:
        return f"{len(same)} record(s) keep their dataset IRI in the copy (e.g. {same[0]!r})", []
    return "", []


def plan(templates: list[Template], n: int) -> list[Template]:
    """Which templates to copy (one entry per copy) for exactly ``n`` records in the corpus's
    per-format proportions: whole rounds of the corpus, then each format's remainder filled with
    its largest files that fit, then one-record files."""
    corpus = sum(t.records for t in templates)
    per_format: dict[str, list[Template]] = defaultdict(list)
    for t in templates:
        per_format[t.format].append(t)
    # The largest-remainder method: per-format targets that add up to exactly n.
    exact = {f: n * sum(t.records for t in ts) / corpus for f, ts in per_format.items()}
    target = {f: int(x) for f, x in exact.items()}
    for f in sorted(exact, key=lambda f: exact[f] - target[f], reverse=True)[: n - sum(target.values())]:
        target[f] += 1
    rounds = n // corpus
    copies = [t for _ in range(rounds) for t in templates]
    short = 0
    for f, ts in sorted(per_format.items()):
        left = target[f] - rounds * sum(t.records for t in ts)
        ts = sorted(ts, key=lambda t: (-t.records, str(t.path)))
        while any(t.records <= left for t in ts):  # whole files, the largest that fit, round after round
            for t in ts:
                if t.records <= left:
                    copies.append(t)
                    left -= t.records
        short += left
    by_format = [[t for t in ts if t.records == 1] for _f, ts in sorted(per_format.items())]
    singles: list[Template] = []  # round-robin over the formats
    for i in range(max(map(len, by_format), default=0)):
        singles += [ts[i] for ts in by_format if i < len(ts)]
    if short and not singles:
        raise SystemExit("cannot make the exact record count: no one-record files")
    copies += [singles[i % len(singles)] for i in range(short)]
    return copies


def build(dest: Path, n: int) -> tuple[Counter[str], Counter[str], int]:
    """Write the mixed directory; returns records per format, per source, and files written."""
    files, _unclaimed = corpus_files()
    templates: list[Template] = []
    print("templates (real corpus files with records, each checked for distinct copies):")
    for fmt in sorted(files):
        made, refused = [], Counter()
        for path in files[fmt]:
            template, why = make_template(fmt, path)
            if template is not None:
                made.append(template)
            elif why == "no records" or why.startswith("unreadable"):
                refused[why.split(" (")[0]] += 1  # known-bad inputs and non-dataset files: not copied
            else:
                refused["copies not distinct"] += 1
                print(f"    not copied: {path.name}: {why}")
        templates += made
        note = ", ".join(f"{v} {k}" for k, v in refused.most_common())
        titled = sum(t.titles_marked for t in made)
        print(
            f"  {fmt:18} {len(made):4} files, {sum(t.records for t in made):5,} records, {titled:5,} titles suffixed"
            + (f"  (not copied: {note})" if note else "")
        )
    copies = plan(templates, n)
    per_format: Counter[str] = Counter()
    per_source: Counter[str] = Counter()
    for serial, template in enumerate(copies, 1):
        folder = dest / template.source / f"copy-{serial:05d}"
        folder.mkdir(parents=True)
        (folder / template.path.name).write_bytes(template.copy(serial))
        per_format[template.format] += template.records
        per_source[template.source] += template.records
    corpus = Counter()
    for t in templates:
        corpus[t.format] += t.records
    total = sum(per_format.values())
    print(f"\nmixed directory: {total:,} records in {len(copies):,} files, {len(per_source)} sources")
    print("| format | corpus records | share of corpus | records in the mix | share of the mix |")
    print("|---|---:|---:|---:|---:|")
    for fmt in sorted(corpus, key=lambda f: -corpus[f]):
        print(
            f"| {fmt} | {corpus[fmt]:,} | {100 * corpus[fmt] / sum(corpus.values()):.1f} % |"
            f" {per_format[fmt]:,} | {100 * per_format[fmt] / total:.1f} % |"
        )
    return per_format, per_source, len(copies)


def du(path: Path) -> int:
    """Bytes on disk under ``path``, each file once (checkpoints hard-link the store's files)."""
    sizes = {}
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            sizes[(st.st_dev, st.st_ino)] = st.st_size
    return sum(sizes.values())


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--records", type=int, default=10_000, help="records in the mixed directory (default 10000)")
    ap.add_argument("--keep", type=Path, help="build in DIR/mixed, ingest into DIR/data, and keep both")
    ap.add_argument("--link", action="store_true", help="also embed and link (slow: ~40 texts/s; off by default)")
    args = ap.parse_args()
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # a warning per odd IRI in the DCAT-US examples

    if args.keep:
        work = args.keep.resolve()
        if work.is_relative_to(ROOT):
            raise SystemExit(f"--keep {args.keep}: the benchmark never writes inside the repo ({ROOT})")
        if work.exists() and any(work.iterdir()):
            raise SystemExit(f"--keep {args.keep}: not empty; give a new or empty directory")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="kg-mixed-bench-"))
    mixed, data = work / "mixed", work / "data"
    print(machine_line(machine()))
    print(f"work dir: {work}{' (kept)' if args.keep else ' (temporary, removed at the end)'}")

    try:
        t0 = time.perf_counter()
        per_format, per_source, n_files = build(mixed, args.records)
        print(
            f"built in {time.perf_counter() - t0:.1f} s ({du(mixed) / 2**20:.1f} MiB); peak RSS so far {peak_rss_mib():,.0f} MiB"
        )
        print(f"sources: {', '.join(f'{s} {c:,}' for s, c in per_source.most_common())}")

        load_before = os.getloadavg()
        ingestor = Ingestor(data)
        t0, cpu0 = time.perf_counter(), time.process_time()
        result = ingestor.ingest([mixed])
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        ingestor.close()
        load_after = os.getloadavg()
        tm = result.timings
        print(
            f"\n## first ingest (fresh data dir), load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
        )
        print(
            f"{result.records:,} records from {result.files:,} files in {wall:.1f} s = **{result.records / wall:,.0f} records/s**;"
            f" {result.stored:,} stored, {result.unchanged:,} unchanged, {len(result.errors):,} errors,"
            f" {result.violations:,} records with SHACL violations"
        )
        print(
            f"process CPU {cpu:.1f} s = {1000 * cpu / result.records:.1f} ms/record"
            f" ({cpu / wall:.2f} of {os.cpu_count()} cores busy on average; other jobs share the rest)"
        )
        print("| stage | seconds | records/s | share of wall time |")
        print("|---|---:|---:|---:|")
        for stage in ("lift", "validate", "store"):
            seconds = tm.get(stage, 0.0)
            print(
                f"| {stage} | {seconds:.1f} | {result.records / max(seconds, 1e-9):,.0f} | {100 * seconds / wall:.0f} % |"
            )
        other = wall - tm.get("lift", 0.0) - tm.get("store", 0.0)
        print(
            "(validation runs on its own thread beside lifting; wall time in neither lift nor store"
            f" (reading files, raw store, waiting for validation): {other:.1f} s)"
        )
        print("records per format: " + ", ".join(f"{f} {c:,}" for f, c in per_format.most_common()))
        if result.errors:
            kinds = Counter(re.sub(r"\(.*", "", e.message)[:70].strip() for e in result.errors)
            print("errors: " + "; ".join(f"{c} × {k}" for k, c in kinds.most_common(6)))
        store_size = du(DataDir(data).store)
        print(
            f"peak RSS {peak_rss_mib():,.0f} MiB; store on disk {store_size / 2**20:,.1f} MiB, whole data dir {du(data) / 2**20:,.1f} MiB"
        )

        if args.link:
            from kg.linking.linker import link

            t0 = time.perf_counter()
            lr = link(data)
            print(
                f"link: {lr.embedded:,} texts embedded in {lr.timings.get('embed', 0.0):.1f} s, {lr.links:,} links,"
                f" {lr.duplicates:,} likely duplicates; total {time.perf_counter() - t0:.1f} s"
            )
        else:
            print("link: not run (give --link; the embedder runs at ~40 texts/s)")

        ingestor = Ingestor(data)
        t0, cpu0 = time.perf_counter(), time.process_time()
        again = ingestor.ingest([mixed])
        wall2, cpu2 = time.perf_counter() - t0, time.process_time() - cpu0
        ingestor.close()
        print(
            f"\n## second ingest of the unchanged directory\n{again.records:,} records in {wall2:.1f} s ="
            f" {again.records / wall2:,.0f} records/s; {again.stored:,} stored, {again.unchanged:,} unchanged,"
            f" {len(again.errors):,} errors; process CPU {cpu2:.1f} s"
            f" [lift {again.timings.get('lift', 0.0):.1f} s, validate {again.timings.get('validate', 0.0):.1f} s,"
            f" store {again.timings.get('store', 0.0):.1f} s]"
        )
        print(
            f"peak RSS {peak_rss_mib():,.0f} MiB; {n_files:,} files; load average at the end {os.getloadavg()[0]:.2f}"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
