"""Export and the canonical hash of the whole graph."""

from __future__ import annotations

import hashlib
import io

from kg.namespaces import BASE, RUNS_GRAPH
from kg.store import GraphStore

STATUS_GRAPHS = f"{BASE}graph/status/"  # record status per source (withdrawn on a date): kg.harvest
VIEW_GRAPHS = f"{BASE}graph/view"  # graph/view/… and graph/view-state: kg.governance.views


def canonical_hash(store: GraphStore) -> str:
    """sha256 of the sorted N-Quads of every graph but the run log and the record status graphs
    (wall-clock times live there) and the access-control views (derived from the rest).

    Crosswalk never writes blank nodes, so sorted N-Quads is canonical: rebuilding from the same
    raw records gives the same hash.
    """
    buf = io.BytesIO()
    store.dump_nquads(buf)
    lines = [line for line in buf.getvalue().decode("utf-8").splitlines() if line and not _wall_clock(line)]
    lines.sort()
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _wall_clock(line: str) -> bool:
    """Whether an N-Quads line is in a graph of wall-clock facts (its graph is its last term), or
    in a view graph derived from the others for access control (kg.governance.views: rebuilt
    from them at every checkpoint, so they add nothing to what the hash identifies)."""
    graph = line[:-2].rsplit(" ", 1)[-1]
    return graph == f"<{RUNS_GRAPH}>" or graph.startswith((f"<{STATUS_GRAPHS}", f"<{VIEW_GRAPHS}"))
