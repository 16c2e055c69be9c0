"""Lifted records against the official DCAT-US 3.0 SHACL shapes: speed, conformance, reasons.

Lifts every catalog in ../shared/corpus/datajson-agencies/*.data.json (and the DataCite 4 XML
examples when a ``datacite-xml`` lifter is registered), validates the records as the pipeline
publishes them (lifted graph + provenance triples) with pySHACL, and prints records/s, the
conformance rate per format and per file (as published and for the lifted graph alone), the
top reasons for non-conformance with one example record each, and the node shapes that never
got a focus node. Figures and their analysis: bench/official_shapes_findings.md.

Usage: /work/venv/bin/python bench/official_shapes.py [--limit N] [--batch-size N]
       [--batch-sizes 25,100,250,500 [--sweep-records N]] [--isolation-check N] [--no-provenance] [--json FILE] [--list FILE.tsv]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402

from kg.errors import LiftError, UnknownFormatError  # noqa: E402
from kg.lifting import get_lifter  # noqa: E402
from kg.lifting.base import LiftedRecord  # noqa: E402
from kg.validation.official import (  # noqa: E402
    DEFAULT_BATCH,
    OfficialReport,
    check_official,
    load_official_shapes,
    official_shapes_path,
)

DATAJSON_GLOB = "corpus/datajson-agencies/*.data.json"
DATACITE_GLOB = "corpus/datacite-schema/source/meta/kernel-4/example/*.xml"


def lift_files(format_name: str, files: list[Path], source_of) -> tuple[list[LiftedRecord], dict[str, str], list[str]]:  # type: ignore[no-untyped-def]
    """Records of every file (first copy of a duplicate key wins, as in the pipeline), the
    sha256 of each record's input file, and the errors."""
    lifter = get_lifter(format_name)
    records: list[LiftedRecord] = []
    shas: dict[str, str] = {}
    errors: list[str] = []
    for path in files:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        try:
            pieces = list(lifter.split(data, source_file=path.name))
        except LiftError as exc:
            errors.append(str(exc))
            continue
        for piece in pieces:
            if isinstance(piece, LiftError):
                errors.append(str(piece))
                continue
            try:
                rec = lifter.lift(piece, source=source_of(path))
            except LiftError as exc:
                errors.append(str(exc))
                continue
            if rec.key in shas:
                errors.append(f"{path.name}: duplicate identifier {piece.local_id!r}, second copy skipped")
                continue
            shas[rec.key] = sha
            records.append(rec)
    return records, shas, errors


def files_by_format(shared: Path, *, skip: set[Path]) -> dict[str, list[Path]]:
    """Every corpus file (and the DCAT-US 3.0 examples and the team's sample inventories) by the
    lifter that claims it."""
    from kg.lifting import guess_lifter

    roots = [shared / "corpus", shared / "shapes" / "dcat-us-3" / "docs" / "examples", ROOT / "examples"]
    out: dict[str, list[Path]] = defaultdict(list)
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path in skip or path.suffix in (".md", ".py", ".xsd", ".bad") or path.name.endswith("data.json"):
                continue
            lifter = guess_lifter(path.read_bytes(), path.name)
            if lifter is not None:
                out[lifter.format.name].append(path)
    return dict(sorted(out.items()))


def missing_facts(report: OfficialReport, keys: list[str]) -> Counter:
    """For the records of ``keys`` that do not conform: each violated (class, property,
    constraint), counted once per record; a MinCount is a fact the source lacks."""
    counts: Counter = Counter()
    for key in keys:
        rec = report.records[key]
        for reason in {r.reason for r in rec.results if r.severity == "Violation"}:
            counts[reason] += 1
    return counts


def limit_evenly(records: list[LiftedRecord], limit: int | None) -> list[LiftedRecord]:
    """At most ``limit`` records, each input file keeping its share."""
    if not limit or limit >= len(records):
        return records
    by_file: dict[str, list[LiftedRecord]] = defaultdict(list)
    for rec in records:
        by_file[rec.raw.source_file].append(rec)
    out: list[LiftedRecord] = []
    for recs in by_file.values():
        out += recs[: max(1, math.floor(limit * len(recs) / len(records)))]
    return out[:limit]


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def print_rates(report: OfficialReport, groups: dict[str, list[str]], title: str) -> None:
    print(f"\n{title:<40} {'records':>8} {'published':>10} {'lifted only':>12}")
    for name, keys in groups.items():
        print(
            f"  {name:<38} {len(keys):>8} {pct(report.conformance_rate(keys)):>10}"
            f" {pct(report.conformance_rate(keys, include_provenance=False)):>12}"
        )


def isolation_check(
    records: list[LiftedRecord], shas: dict[str, str] | None, report: OfficialReport, shapes: Graph, n: int
) -> None:
    """Validate ``n`` random records one at a time; their results must equal the batch's."""
    in_scope = [rec for rec in records if rec.key in report.records]
    sample = random.Random(7).sample(in_scope, min(n, len(in_scope)))
    alone = check_official(sample, shapes, file_shas=shas, batch_size=1)

    def facts(r):  # type: ignore[no-untyped-def]
        return {(x.focus, x.path, x.component, x.value) for x in r.results}

    differ = [rec.key for rec in sample if facts(alone.records[rec.key]) != facts(report.records[rec.key])]
    print(
        f"\nisolation check: {len(sample)} records validated one at a time, {alone.records_per_second:.1f} rec/s;"
        f" {len(sample) - len(differ)} give the same results as in their batch"
        + (f"; DIFFER: {differ[:5]}" if differ else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N data.json records (spread over files)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--batch-sizes", default="", help="comma-separated batch sizes to time, e.g. 25,100,250,500")
    parser.add_argument("--sweep-records", type=int, default=600, help="records timed in the sweep")
    parser.add_argument("--isolation-check", type=int, default=0, metavar="N")
    parser.add_argument("--no-provenance", action="store_true", help="validate the lifted graph only")
    parser.add_argument("--json", type=Path, default=None, help="write every record's results here")
    parser.add_argument(
        "--list", type=Path, default=None, help="write each non-conforming record and the facts its source lacks (TSV)"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--agencies-only", action="store_true", help="only the agency data.json catalogs and DataCite examples"
    )
    args = parser.parse_args(argv)

    shapes_path = official_shapes_path()
    if shapes_path is None:
        print("official DCAT-US 3.0 shapes not found under ../shared (set KG_SHARED_DIR)", file=sys.stderr)
        return 2
    shared = shapes_path.parents[3]
    t0 = time.perf_counter()
    shapes = load_official_shapes(shapes_path)
    print(f"shapes: {shapes_path} ({len(shapes)} triples, parsed in {time.perf_counter() - t0:.2f} s)")

    t0 = time.perf_counter()
    records, shas, errors = lift_files(
        "datajson", sorted(shared.glob(DATAJSON_GLOB)), lambda p: p.name.removesuffix(".data.json")
    )
    records = limit_evenly(records, args.limit)
    formats = {"datajson": [r.key for r in records]}
    if args.agencies_only:
        try:
            get_lifter("datacite-xml")
        except UnknownFormatError:
            print("no datacite-xml lifter registered: DataCite examples skipped")
        else:
            dc_records, dc_shas, dc_errors = lift_files(
                "datacite-xml", sorted(shared.glob(DATACITE_GLOB)), lambda p: "datacite-examples"
            )
            records += dc_records
            shas.update(dc_shas)
            errors += dc_errors
            formats["datacite-xml"] = [r.key for r in dc_records]
    else:
        # Every other format: each corpus file goes to the lifter that claims it, as ingest does.
        for name, files in files_by_format(shared, skip=set(shared.glob(DATAJSON_GLOB))).items():
            more, more_shas, more_errors = lift_files(name, files, lambda p: p.parent.name)
            records += more
            shas.update(more_shas)
            errors += more_errors
            formats.setdefault(name, []).extend(r.key for r in more)
    print(f"lifted {len(records)} records in {time.perf_counter() - t0:.1f} s; {len(errors)} lift errors")
    for err in errors[:5]:
        print("  ", err)

    file_shas = None if args.no_provenance else shas
    report = check_official(records, shapes, file_shas=file_shas, batch_size=args.batch_size)
    print(
        f"\nvalidated {len(report.records)} dcat:Dataset records in {report.seconds:.1f} s = {report.records_per_second:.1f} records/s"
        f" (pySHACL {report.batches} calls, batch {args.batch_size}, inference none,"
        f" {'with' if file_shas else 'without'} provenance triples)"
    )
    print(
        f"conformance: {pct(report.conformance_rate())} as published,"
        f" {pct(report.conformance_rate(include_provenance=False))} lifted graph only"
    )
    scoped = {name: [k for k in keys if k in report.records] for name, keys in formats.items()}
    for name, keys in formats.items():
        skipped = [k for k in keys if k in report.out_of_scope]
        if skipped:
            kinds = sorted({report.out_of_scope[k] for k in skipped})
            print(f"{name}: {len(skipped)} of {len(keys)} records out of scope ({'; '.join(kinds)})")
    print_rates(report, scoped, "per format (dcat:Dataset records)")

    def lacks(key: str) -> list[str]:
        """The required facts the record's source does not give (its sh:minCount Violations)."""
        return sorted({f"{r.focus_class} {r.path}" for r in report.records[key].results
                       if r.severity == "Violation" and "MinCount" in r.component})  # fmt: skip

    def other(key: str) -> bool:
        return any(r.severity == "Violation" and "MinCount" not in r.component for r in report.records[key].results)

    print("\nrecords that carry every required fact (no sh:minCount Violation), and how many of them conform:")
    for name, keys in scoped.items():
        complete = [k for k in keys if not lacks(k)]
        ok = [k for k in complete if report.records[k].conforms()]
        print(f"  {name:<40} {len(complete):>6} {len(ok):>6}  {pct(len(ok) / len(complete)) if complete else '-'}")
    everything = [k for keys in scoped.values() for k in keys if not lacks(k)]
    print(f"  {'all':<40} {len(everything):>6} {sum(report.records[k].conforms() for k in everything):>6}"
          f"  {pct(sum(report.records[k].conforms() for k in everything) / max(1, len(everything)))}")  # fmt: skip
    print(
        f"  records failing for anything but a missing fact: {sum(other(k) for keys in scoped.values() for k in keys)}"
    )
    if args.list:
        lines = ["format\tsource_file\trecord\tfacts the source lacks"]
        for name, keys in scoped.items():
            for k in keys:
                if not report.records[k].conforms():
                    rec = report.records[k]
                    lines.append(
                        f"{name}\t{rec.source_file}\t{rec.local_id}\t{'; '.join(lacks(k)) or '(not a missing fact)'}"
                    )
        args.list.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"  every non-conforming record with the facts its source lacks: {args.list} ({len(lines) - 1} records)")
    print("\nwhy records do not conform, per format (records affected; MinCount = a fact the source lacks):")
    for name, keys in scoped.items():
        failing = [k for k in keys if not report.records[k].conforms()]
        if not failing:
            continue
        print(f"  {name}: {len(failing)} of {len(keys)}")
        for (focus_class, path, component), n in missing_facts(report, failing).most_common(8):
            kind = "source lacks" if "MinCount" in component else "value/mapping"
            example = next(k for k in failing if any(r.reason == (focus_class, path, component)
                                                     for r in report.records[k].results))  # fmt: skip
            rec = report.records[example]
            print(f"    {n:>5} × {kind:<13} {focus_class} {path} {component.split(':')[-1]}"
                  f"  e.g. {rec.source_file} {rec.local_id[:40]!r}")  # fmt: skip
    by_file: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        if rec.lifter == "datajson" and rec.key in report.records:
            by_file[rec.raw.source_file].append(rec.key)
    print_rates(report, dict(sorted(by_file.items())), "per agency file (data.json)")

    print(f"\ntop reasons (Violations), by records affected; {'origin':<10} = where the focus node comes from")
    print(f"  {'records':>7} {'results':>7}  {'focus class':<18} {'path':<22} {'component':<34} example record")
    for reason, n_results, n_records, example in report.reasons()[: args.top]:
        rec = report.records[example]
        first = next(r for r in rec.results if r.reason == reason)
        focus_class, path, component = reason
        print(
            f"  {n_records:>7} {n_results:>7}  {focus_class:<18} {path:<22} {component:<34}"
            f" {rec.source_file} {rec.local_id[:50]!r} ({first.origin})"
        )
        print(f"  {'':>16}message: {first.message[:150]}" + (f" | value: {first.value[:60]}" if first.value else ""))

    fired = {s: n for s, n in report.shape_focus_counts.items() if n}
    print("\nnode shapes with focus nodes: " + ", ".join(f"{s.split(':')[-1]} {n}" for s, n in sorted(fired.items())))
    print(
        "node shapes that never fired (no instance of their target class in any record): "
        + ", ".join(f"{s.split(':')[-1]} ({report.shape_targets[s]})" for s in report.unfired_shapes)
    )

    if args.batch_sizes:
        sub = random.Random(11).sample(records, min(args.sweep_records, len(records)))
        print(f"\nbatch size sweep ({len(sub)} random records, the same for every size, same options):")
        for size in [int(x) for x in args.batch_sizes.split(",") if x.strip()]:
            r = check_official(sub, shapes, file_shas=file_shas, batch_size=size)
            print(f"  batch {size:>5}: {r.batches:>4} calls {r.seconds:6.1f} s {r.records_per_second:7.1f} records/s")

    if args.isolation_check:
        isolation_check(records, file_shas, report, shapes, args.isolation_check)

    if args.json:
        out = {
            key: {
                "local_id": r.local_id,
                "source_file": r.source_file,
                "lifter": r.lifter,
                "conforms": r.conforms(),
                "conforms_lifted_only": r.conforms(include_provenance=False),
                "results": [res.__dict__ for res in r.results],
            }
            for key, r in report.records.items()
        }
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
