"""Golden-graph comparison by isomorphism, printing the difference on failure."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(graph: Graph, name: str) -> None:
    """Compare ``graph`` with tests/golden/<name>.ttl (set KG_UPDATE_GOLDEN=1 to rewrite it)."""
    if not isinstance(graph, Graph):
        graph = graph.to_graph()  # a lifted record's TripleSet
    for prefix, ns in (
        ("vcard", "http://www.w3.org/2006/vcard/ns#"),
        ("locn", "http://www.w3.org/ns/locn#"),
        ("org", "http://www.w3.org/ns/org#"),
        ("prov", "http://www.w3.org/ns/prov#"),
        ("schema", "https://schema.org/"),
        ("src", "https://w3id.org/crosswalk/source-field/"),
        ("cw", "https://w3id.org/crosswalk/ns#"),
    ):
        graph.bind(prefix, ns)
    path = GOLDEN_DIR / f"{name}.ttl"
    if os.environ.get("KG_UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
        if os.environ.get("KG_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"golden file {path} did not exist; written now, review and commit it")
    expected = Graph().parse(path, format="turtle")
    iso_got, iso_want = to_isomorphic(graph), to_isomorphic(expected)
    if iso_got != iso_want:
        _, only_got, only_want = graph_diff(iso_got, iso_want)
        lines = ["lifted graph differs from golden " + str(path)]
        lines += ["  + " + " ".join(t.n3() for t in tr) for tr in sorted(only_got)[:40]]
        lines += ["  - " + " ".join(t.n3() for t in tr) for tr in sorted(only_want)[:40]]
        raise AssertionError("\n".join(lines))
