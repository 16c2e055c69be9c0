"""Benchmark the foundation chain on ../shared/corpus/datajson-agencies (1,809 records).

Prints records/s for lift, validate, store and embed separately; the whole ingest; what a
re-ingest of unchanged input does; latency of data-steward SPARQL queries; search p50/p95.
Usage: .venv/bin/python bench/ingest_bench.py [--corpus DIR] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kg.config import DataDir  # noqa: E402
from kg.errors import LiftError  # noqa: E402
from kg.lifting import get_lifter  # noqa: E402
from kg.linking.linker import link  # noqa: E402
from kg.linking.search import Searcher  # noqa: E402
from kg.ntriples import nt_lines  # noqa: E402
from kg.pipeline import Ingestor  # noqa: E402
from kg.store import GraphStore  # noqa: E402
from kg.validation import Validator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "datajson-agencies")
    ap.add_argument("--keep", type=Path, help="data dir to use and keep (default: a temp dir)")
    args = ap.parse_args()
    data = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · {platform.python_version()} · {platform.machine()}")
    print(f"corpus: {args.corpus}")

    files = sorted(args.corpus.glob("*.data.json"))
    lifter = get_lifter("datajson")
    t0 = time.perf_counter()
    recs = []
    for f in files:
        for raw in lifter.split(f.read_bytes(), source_file=f.name):
            if not isinstance(raw, LiftError):
                recs.append(lifter.lift(raw, source=f.name.split(".")[0]))
    t_lift = time.perf_counter() - t0
    n = len(recs)
    print(f"lift:                 {n} records in {t_lift:.2f}s = {n / t_lift:,.0f} records/s")

    lines = {r.key: nt_lines(r.graph) for r in recs}
    for engine in ("pyrudof", "pyshacl"):
        v = Validator(engine=engine)
        t0 = time.perf_counter()
        for i in range(0, n, 250):
            v.validate(recs[i : i + 250], lines)
        t = time.perf_counter() - t0
        print(f"validate ({engine:8}): {n / t:,.0f} records/s")

    t0 = time.perf_counter()
    result = Ingestor(data).ingest([args.corpus])
    t_ingest = time.perf_counter() - t0
    tm = result.timings
    print(
        f"ingest (lift+validate+store, {result.stored} stored): {t_ingest:.2f}s = {result.records / t_ingest:,.0f} records/s"
        f"  [lift {tm['lift']:.2f}s, validate {tm['validate']:.2f}s, store {tm['store']:.2f}s"
        f" = {result.records / max(tm['store'], 1e-9):,.0f} records/s stored]"
    )

    t0 = time.perf_counter()
    lr = link(data)
    t_link = time.perf_counter() - t0
    print(
        f"embed:                {lr.embedded} texts in {lr.timings['embed']:.1f}s = {lr.embedded / max(lr.timings['embed'], 1e-9):,.1f} texts/s"
        f"  (link total {t_link:.1f}s, {lr.links} links)"
    )

    t0 = time.perf_counter()
    again = Ingestor(data).ingest([args.corpus])
    t_again = time.perf_counter() - t0
    lr2 = link(data)
    print(
        f"re-ingest unchanged:  {again.stored} stored, {again.unchanged} unchanged in {t_again:.2f}s; "
        f"re-link embedded {lr2.embedded} (cached {lr2.cached})"
    )

    store = GraphStore(DataDir(data).store)
    try:
        from kg.sparql.examples import EXAMPLES
    except ImportError:
        EXAMPLES = []
    for ex in EXAMPLES[:6]:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            res = store.query(ex.query if hasattr(ex, "query") else ex["query"], use_default_graph_as_union=True)
            rows = sum(1 for _ in res) if not isinstance(res, bool) and hasattr(res, "__iter__") else 1
            times.append((time.perf_counter() - t0) * 1000)
        title = ex.title if hasattr(ex, "title") else ex["title"]
        print(f"sparql {title[:48]:48}: median {statistics.median(times):7.1f} ms ({rows} rows)")

    searcher = Searcher(DataDir(data), store)
    summaries = list(searcher.summaries.values())
    random.seed(7)
    queries = [s.title for s in random.sample(summaries, 60)] + [
        "electricity generation by fuel type",
        "federal employee workforce statistics",
        "consumer complaints about mortgages",
        "broadband availability",
        "drug adverse events",
        "treasury auction results",
        "energy efficiency standards",
        "occupational injuries",
        "natural gas prices",
        "nuclear waste cleanup",
    ] * 4
    searcher.search("warm up")
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        searcher.search(q, limit=20)
        lat.append((time.perf_counter() - t0) * 1000)
    print(f"search ({len(lat)} queries, 1 client): p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms")


if __name__ == "__main__":
    main()
