"""What enforcing access policies costs, and why it is done with view graphs (issue 6, point 2).

On a copy of a data directory's store (``--data-dir``, default /tmp/benchdata: the whole shared
corpus plus examples, ingested and linked; the copy is made under a temporary directory, the
original is only read):

1. the view refresh: the first build of every view, then a refresh with nothing changed (what
   every checkpoint costs);
2. typical steward queries over (a) the union of every graph (no access control), (b) a list
   of one graph per visible record (the obvious design), (c) a caller's scope of view graphs
   (what Crosswalk does), for an anonymous caller and for half the sources restricted.

    .venv/bin/python bench/access_bench.py --data-dir /tmp/benchdata [--skip-list]

The per-record list is very slow on aggregates (minutes at 2.7k records); ``--skip-list`` leaves
it out. Record the figures and the machine in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = {
    "properties of datasets (GROUP BY)": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/ns/dcat#Dataset> ; ?p ?o } GROUP BY ?p",
    "title contains 'solar' (FILTER)": "SELECT ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(LCASE(?t),'solar')) } LIMIT 20",
    "largest record graphs (GRAPH ?g)": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n) LIMIT 5",
    "cross-source links (join)": """SELECT (COUNT(*) AS ?n) WHERE { ?l a <https://w3id.org/crosswalk/ns#DatasetLink> ;
        <https://w3id.org/crosswalk/ns#linkSource> ?a ; <https://w3id.org/crosswalk/ns#linkTarget> ?b ;
        <https://w3id.org/crosswalk/ns#linkScope> "cross-source" }""",
}


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/benchdata"))
    ap.add_argument("--skip-list", action="store_true", help="Leave out the per-record graph list (slow).")
    args = ap.parse_args()
    import pyoxigraph as ox

    from kg.governance.identity import ANONYMOUS
    from kg.governance.policy import Access, PolicySet, with_source
    from kg.governance.views import RECORD_PREFIX, layout, refresh, scope_for
    from kg.store import GraphStore

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="access-bench-"))
    try:
        shutil.copytree(args.data_dir / "store", work / "store")
        store = GraphStore(work / "store")
        st = store.store
        print(f"store: {len(st):,} quads")
        # the baseline: the union of every graph, measured before any view graph exists
        union = {label: timed(lambda q=q: list(st.query(q, use_default_graph_as_union=True)))
                 for label, q in QUERIES.items()}  # fmt: skip
        t = time.perf_counter()
        built = refresh(st, work)
        print(f"refresh, first build: {time.perf_counter() - t:.1f} s {built}")
        t = time.perf_counter()
        again = refresh(st, work)
        print(f"refresh, nothing changed: {time.perf_counter() - t:.2f} s {again}")
        lay = layout(st)
        open_all = scope_for(lay, PolicySet(), ANONYMOUS)
        half = PolicySet()
        for i, unit in enumerate(sorted(lay.units)):
            if i % 2:
                half = with_source(half, unit, Access("internal"), "bench")
        restricted = scope_for(lay, half, ANONYMOUS)
        records = [ox.NamedNode(g) for g in lay.graphs if g.startswith(RECORD_PREFIX)]
        others = [ox.NamedNode(g) for g in lay.graphs if "/graph/view" not in g and not g.startswith(
            ("https://w3id.org/crosswalk/graph/record/", "https://w3id.org/crosswalk/graph/validation/",
             "https://w3id.org/crosswalk/graph/alignment/"))]  # fmt: skip
        runs = {
            f"scope, all public ({len(open_all.default)} default graphs)": open_all.query_options(),
            f"scope, half the sources internal ({len(restricted.default)} default graphs)": restricted.query_options(),
        }
        if not args.skip_list:
            runs[f"list of {len(records)} record graphs"] = {
                "default_graph": records + others,
                "named_graphs": records + others,
            }
        print(f"{'query':<40} union of every graph, no access control | " + " | ".join(f"{name}" for name in runs))
        for label, q in QUERIES.items():
            cells = [f"{union[label] * 1000:8.1f} ms"]
            for name, kwargs in runs.items():
                repeat = 1 if "record graphs" in name else 3
                cells.append(f"{timed(lambda kw=kwargs, q=q: list(st.query(q, **kw)), repeat) * 1000:8.1f} ms")
            print(f"{label:<40} " + " | ".join(cells))
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
