"""Export and the canonical hash of the whole graph."""

from __future__ import annotations

import hashlib
import io

from kg.namespaces import RUNS_GRAPH
from kg.store import GraphStore


def canonical_hash(store: GraphStore) -> str:
    """sha256 of the sorted N-Quads of every graph but the run log (wall-clock times live there).

    Crosswalk never writes blank nodes, so sorted N-Quads is canonical: rebuilding from the same
    raw records gives the same hash.
    """
    buf = io.BytesIO()
    store.dump_nquads(buf)
    lines = [
        line for line in buf.getvalue().decode("utf-8").splitlines() if line and not line.endswith(f"<{RUNS_GRAPH}> .")
    ]
    lines.sort()
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()
