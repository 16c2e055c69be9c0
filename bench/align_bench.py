"""Alignment over the whole shared corpus: propose, apply, and publish a one-mapping change.

Ingests every file of ../shared/corpus (through the normal pipeline, into a temporary data
directory), proposes candidates for every source (lexical + embedding, the real model, the
concept vectors cached), applies the accepted ones, then accepts ONE proposed mapping in a
draft and times what a curator waits for: the impact report and the publish (reasoner check,
new version, re-alignment of only the affected records). Prints the figures; record them in
bench/RESULTS.md.

Usage: .venv/bin/python bench/align_bench.py [--keep DIR] [--no-embed] [--no-check]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kg.alignment.align import align, load_mapping_sets, record_terms  # noqa: E402
from kg.alignment.decisions import decide  # noqa: E402
from kg.alignment.propose import propose  # noqa: E402
from kg.alignment.workspace import Workspace  # noqa: E402
from kg.config import DataDir  # noqa: E402
from kg.linking.embedder import Embedder  # noqa: E402
from kg.pipeline import Ingestor  # noqa: E402
from kg.store import GraphStore  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    parser.add_argument("--no-embed", action="store_true", help="lexical candidates only")
    parser.add_argument("--no-check", action="store_true", help="publish without the reasoner check")
    args = parser.parse_args(argv)
    shared = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="align-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    mappings = work / "mappings"
    mappings.mkdir(exist_ok=True)
    os.environ["KG_MAPPINGS_DIR"] = str(mappings)
    data = work / "kg"
    print(f"load average {os.getloadavg()[0]:.1f}; work dir {work}")

    t0 = time.perf_counter()
    ingestor = Ingestor(data)
    try:
        result = ingestor.ingest([shared / "corpus"])
    finally:
        ingestor.close()
    print(f"ingest: {result.records} records, {result.stored} stored, {len(result.errors)} errors, "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

    store = GraphStore(DataDir(data).store)
    embedder = None if args.no_embed else Embedder(DataDir(data).index / "embeddings.sqlite")
    try:
        recs = record_terms(store)
        sources = sorted({r.source for r in recs})
        terms = sum(len({t for _, t in r.terms}) for r in recs)
        print(f"{len(recs)} records with terms, {terms} record-terms, {len(sources)} sources")
        t0 = time.perf_counter()
        proposed = 0
        for source in sources:
            proposed += propose(store, source, embedder=embedder, directory=mappings).added
        print(f"propose: {proposed} candidates for {len(sources)} sources in {time.perf_counter() - t0:.1f} s")

        # accept every sure candidate (≥ 0.95) in each set, publish directly, apply to all
        ws = Workspace(mappings)
        for name in ws.names():
            draft = ws.draft(name)
            for m in draft.by_status("proposed"):
                if (m.confidence or 0) >= 0.95:
                    decide(draft, m.record_id, "accept", reviewer="bench", comment="bench: >= 0.95")
            ws.save_draft(draft)
            ws.publish(store, name, check=False)
        t0 = time.perf_counter()
        applied = align(store, load_mapping_sets(mappings))
        print(f"apply (all, nothing changed): {applied.records} records, {applied.written} written, "
              f"{time.perf_counter() - t0:.2f} s")  # fmt: skip

        # the one-mapping change: the proposed mapping used by the most records
        counts = {}
        for r in recs:
            for _, t in r.terms:
                counts[(r.source, t.lower())] = counts.get((r.source, t.lower()), 0) + 1
        best = None
        for name in ws.names():
            ms = ws.published(name)
            for m in ms.by_status("proposed"):
                n = counts.get((ms.source, m.subject_label.lower()), 0)
                if best is None or n > best[0]:
                    best = (n, name, m)
        assert best is not None, "no proposed mapping left to accept"
        n, name, mapping = best
        draft = ws.draft(name)
        decide(draft, mapping.record_id, "accept", reviewer="bench", comment="bench: the one-mapping change")
        ws.save_draft(draft)
        t0 = time.perf_counter()
        impact = ws.impact(store, name)
        t_impact = time.perf_counter() - t0
        t0 = time.perf_counter()
        published = ws.publish(store, name, check=not args.no_check)
        t_publish = time.perf_counter() - t0
        print(f"one-mapping change in {name}: {mapping.subject_label!r} → {mapping.object_label!r} "
              f"({n} records use the term)")  # fmt: skip
        print(f"  impact: {len(impact.gained)} gains, {len(impact.lost)} losses, {len(impact.links)} link changes, "
              f"{t_impact:.2f} s")  # fmt: skip
        print(f"  publish{'' if not args.no_check else ' (no reasoner check)'}: version {published.version}, "
              f"{published.records_realigned} records re-aligned, {t_publish:.2f} s")  # fmt: skip
    finally:
        store.close()
        if embedder is not None:
            embedder.close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
