"""Lift throughput per format: split + lift of the real corpus files of every registered lifter.

A file belongs to the lifter ``guess_lifter`` picks for it, over every file under
../shared/corpus and ../shared/shapes/dcat-us-3/docs/examples (what an ingest would pick). Two
exceptions: the ``csv`` lifter reads the repo's lab inventories (examples/inl/inventory.csv,
examples/slac/inventory.tsv; the corpus's CSV files are code lists and vocabularies, not
inventories), and ``oai-dc`` reads the team's samples tests/data/oai_dc-*.xml (the corpus has none).

Per format: one untimed warm-up pass, then 3 runs; a run repeats split + lift over all the
format's files (bytes already in memory) until it has done at least 2 s of work. Prints the
median of the 3 runs in records/s and ms/record, records, triples/record and the share of the
time spent in ``split``. Lift errors are counted; a lifter crash (an exception that is not a
LiftError) is reported with its file and the format is measured without that record.
Usage: .venv/bin/python bench/lift_bench.py [--format NAME] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kg.errors import LiftError  # noqa: E402
from kg.lifting import get_lifter, guess_lifter, lifters  # noqa: E402
from kg.lifting.base import Lifter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
CORPUS_ROOTS = (SHARED / "corpus", SHARED / "shapes" / "dcat-us-3" / "docs" / "examples")
CSV_INVENTORIES = (ROOT / "examples" / "inl" / "inventory.csv", ROOT / "examples" / "slac" / "inventory.tsv")
OAI_DC_SAMPLES = "tests/data/oai_dc-*.xml"
MIN_SECONDS = 2.0
RUNS = 3


def machine() -> dict[str, object]:
    """CPU model, cores, RAM, Python and the load average now (other jobs share this machine)."""
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "python": platform.python_version(),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def machine_line(info: dict[str, object]) -> str:
    load = info["load"]
    line = (
        f"machine: {info['cpu']} · {info['cores']} cores · {info['ram_gib']} GiB RAM · Python {info['python']}"
        f" · load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)"
    )
    if load[0] > 1.5:
        line += "\nNOTE: load > 1.5: these figures are taken under load (other jobs share the 2 cores)"
    return line


def corpus_files() -> tuple[dict[str, list[Path]], list[Path]]:
    """The real input files of each registered lifter, and the corpus files no lifter claims.

    The corpus files guessed as ``csv`` are replaced by the repo's inventories (see module doc).
    """
    files: dict[str, list[Path]] = {lf.format.name: [] for lf in lifters()}
    unclaimed: list[Path] = []
    for root in CORPUS_ROOTS:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            lifter = guess_lifter(path.read_bytes(), path.name)
            if lifter is None:
                unclaimed.append(path)
            else:
                files[lifter.format.name].append(path)
    if "csv" in files:
        files["csv"] = list(CSV_INVENTORIES)
    if "oai-dc" in files:
        files["oai-dc"] += sorted(ROOT.glob(OAI_DC_SAMPLES))
    return files, unclaimed


def display_name(path: Path) -> str:
    for root in (*CORPUS_ROOTS, ROOT):
        if path.is_relative_to(root):
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return path.name


def source_of(path: Path) -> str:
    """The source an ingest of the corpus folder would give (its first directory)."""
    for root in CORPUS_ROOTS:
        if path.is_relative_to(root):
            rel = path.relative_to(root)
            return rel.parts[0] if len(rel.parts) > 1 else root.name
    return path.parent.name


@dataclass
class FormatResult:
    format: str
    files: int = 0
    records: int = 0  # records lifted in one pass over the files
    errors: int = 0  # LiftErrors in one pass (unreadable files, records that cannot be lifted)
    crashes: list[str] = field(default_factory=list)  # non-LiftError exceptions: "file: Type: message"
    triples: int = 0
    records_per_s: list[float] = field(default_factory=list)  # one per run, wall clock
    cpu_records_per_s: list[float] = field(default_factory=list)  # one per run, CPU time of this process
    split_share: float = 0.0
    passes: int = 0  # passes per run (the last run)

    @property
    def median_rate(self) -> float:
        return statistics.median(self.records_per_s) if self.records_per_s else 0.0

    @property
    def median_cpu_rate(self) -> float:
        return statistics.median(self.cpu_records_per_s) if self.cpu_records_per_s else 0.0


def one_pass(lifter: Lifter, docs: list[tuple[str, str, bytes]], result: FormatResult | None) -> tuple[float, float]:
    """Split and lift every document once; returns (seconds in split, seconds in total).
    With ``result``, counts records, errors, triples and crashes into it."""
    t_split = t_total = 0.0
    for display, source, data in docs:
        t0 = time.perf_counter()
        try:
            pieces = list(lifter.split(data, source_file=display))
        except LiftError:
            pieces = [LiftError("unreadable", source_file=display)]
        except Exception as exc:  # noqa: BLE001 - a lifter crash is a finding, not the end of the benchmark
            pieces = []
            if result is not None:
                result.crashes.append(f"{display} (split): {type(exc).__name__}: {str(exc)[:200]}")
        t1 = time.perf_counter()
        t_split += t1 - t0
        for piece in pieces:
            if isinstance(piece, LiftError):
                if result is not None:
                    result.errors += 1
                continue
            try:
                rec = lifter.lift(piece, source=source)
            except LiftError:
                if result is not None:
                    result.errors += 1
                continue
            except Exception as exc:  # noqa: BLE001
                if result is not None:
                    result.crashes.append(f"{display}{piece.pointer} (lift): {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if result is not None:
                result.records += 1
                result.triples += len(rec.graph)
        t_total += time.perf_counter() - t0
    return t_split, t_total


def bench_format(name: str, paths: list[Path]) -> FormatResult:
    lifter = get_lifter(name)
    result = FormatResult(format=name, files=len(paths))
    docs = [(display_name(p), source_of(p), p.read_bytes()) for p in paths]
    if not docs:
        return result
    one_pass(lifter, docs, result)  # warm-up, and the counts of one pass
    if not result.records:
        return result
    split_total = work_total = 0.0
    for _ in range(RUNS):
        passes, work = 0, 0.0
        cpu0 = time.process_time()
        while work < MIN_SECONDS:
            t_split, t_work = one_pass(lifter, docs, None)
            split_total += t_split
            work += t_work
            passes += 1
        work_total += work
        result.records_per_s.append(result.records * passes / work)
        result.cpu_records_per_s.append(result.records * passes / (time.process_time() - cpu0))
        result.passes = passes
    result.split_share = split_total / work_total
    return result


def print_table(results: list[FormatResult]) -> None:
    print()
    print(
        "| format | files | records | errors | triples/record | **records/s** (median of 3) | ms/record"
        " | records/CPU-s | split share | runs (records/s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if not r.records:
            print(f"| {r.format} | {r.files} | 0 | {r.errors} | | | | | | no records lifted |")
            continue
        rate = r.median_rate
        runs = " / ".join(f"{x:,.0f}" for x in r.records_per_s)
        print(
            f"| {r.format} | {r.files} | {r.records:,} | {r.errors} | {r.triples / r.records:,.1f} | **{rate:,.0f}** |"
            f" {1000 / rate:.2f} | {r.median_cpu_rate:,.0f} | {100 * r.split_share:.0f} % | {runs} ({r.passes} passes) |"
        )
    lifted = [r for r in results if r.records]
    if len(lifted) > 1:
        total = sum(r.records for r in lifted)
        seconds = sum(r.records / r.median_rate for r in lifted)
        cpu_seconds = sum(r.records / r.median_cpu_rate for r in lifted)
        print(
            f"| all (one pass over every file) | {sum(r.files for r in results)} | {total:,} |"
            f" {sum(r.errors for r in results)} | {sum(r.triples for r in lifted) / total:,.1f} |"
            f" {total / seconds:,.0f} | {1000 * seconds / total:.2f} | {total / cpu_seconds:,.0f} | | |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--format", choices=[lf.format.name for lf in lifters()], help="measure this format only")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    # rdflib logs a warning per odd IRI in the DCAT-US examples, on every pass.
    logging.getLogger("rdflib").setLevel(logging.ERROR)

    info = machine()
    print(machine_line(info))
    files, unclaimed = corpus_files()
    print(f"corpus: {', '.join(str(r) for r in CORPUS_ROOTS)}; {len(unclaimed)} files no lifter claims")
    print(
        f"csv: repo inventories {', '.join(p.relative_to(ROOT).as_posix() for p in CSV_INVENTORIES)}; "
        f"oai-dc: + {OAI_DC_SAMPLES}"
    )
    names = [args.format] if args.format else sorted(files)
    results = []
    for name in names:
        t0 = time.perf_counter()
        r = bench_format(name, files[name])
        results.append(r)
        rate = f"{r.median_rate:,.0f} records/s" if r.records else "no records"
        print(
            f"  {name:18} {r.files:4} files {r.records:6,} records  {rate}  ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
        for crash in r.crashes:
            print(f"    CRASH {crash}")
    print_table(results)
    end_load = os.getloadavg()
    print(f"\nload average at the end: {end_load[0]:.2f} / {end_load[1]:.2f} / {end_load[2]:.2f}")
    if args.json:
        payload = {
            "machine": info,
            "load_at_end": [round(x, 2) for x in end_load],
            "formats": [
                asdict(r) | {"median_records_per_s": r.median_rate, "median_cpu_records_per_s": r.median_cpu_rate}
                for r in results
            ],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
