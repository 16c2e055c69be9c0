"""``GraphStore.replace_graphs`` replaces a graph by difference and still ends with exactly the
text it was given (real records: the FCC's data.json catalog)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.config import DataDir
from kg.governance.views import STATE_GRAPH, VIEW_PREFIX, refresh
from kg.linking.linker import link
from kg.pipeline import Ingestor
from kg.store.oxigraph import GraphStore
from tests.conftest import corpus_path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("writes") / "kg"
    ingestor = Ingestor(data)
    try:
        assert ingestor.ingest([corpus_path("datajson-agencies/fcc.data.json")]).stored > 50
    finally:
        ingestor.close()
    graph_store = GraphStore(DataDir(data).store)
    yield graph_store
    graph_store.close()


def _triples(store: GraphStore, graph: str) -> set[ox.Triple]:
    return {q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def _record_graphs(store: GraphStore) -> list[str]:
    return sorted(g.value for g in store.store.named_graphs() if "/graph/record/" in g.value)


def _nt(triples: set[ox.Triple]) -> str:
    return "".join(f"{t} .\n" for t in triples)


def test_a_changed_graph_ends_with_exactly_the_new_triples_and_no_other_graph_moves(store: GraphStore) -> None:
    first, second = _record_graphs(store)[:2]
    old = _triples(store, first)
    untouched = _triples(store, second)
    total = len(store.store)
    dropped = sorted(old, key=str)[0]
    dataset = next(t.subject for t in old if t.predicate.value == "http://purl.org/dc/terms/title")
    new_title = ox.Triple(dataset, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal('Spectrum "auction"\ndata', language="en"))
    size = ox.Triple(dataset, ox.NamedNode("https://example.org/size"), ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    wanted = (old - {dropped}) | {new_title, size}

    store.replace_graphs({first: _nt(wanted)})
    assert _triples(store, first) == wanted
    assert _triples(store, second) == untouched
    assert len(store.store) == total + 1  # one triple gone, two added

    store.replace_graphs({first: _nt(wanted)})  # the same again: nothing to change
    assert _triples(store, first) == wanted and len(store.store) == total + 1
    store.replace_graphs({first: _nt(old)})  # and back
    assert _triples(store, first) == old and len(store.store) == total


def test_emptied_graphs_and_graphs_with_blank_nodes_are_replaced_whole(store: GraphStore) -> None:
    third = _record_graphs(store)[2]
    old = _triples(store, third)
    store.replace_graphs({third: ""})
    assert _triples(store, third) == set()
    with_blank = _nt(old) + "_:b1 <https://example.org/note> \"a blank node\" .\n"
    store.replace_graphs({third: with_blank})
    store.replace_graphs({third: with_blank})  # blank nodes cannot be matched: dropped and inserted
    got = _triples(store, third)
    assert len(got) == len(old) + 1 and {t for t in got if not isinstance(t.subject, ox.BlankNode)} == old
    store.replace_graphs({third: _nt(old)})
    assert _triples(store, third) == old


def test_a_new_graph_and_a_dropped_one(store: GraphStore) -> None:
    graph = "https://example.org/graph/new"
    line = "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    store.replace_graphs({graph: line}, new=[graph])
    assert len(_triples(store, graph)) == 1
    store.replace_graphs({}, drop=[graph])
    assert _triples(store, graph) == set()


def _views(store: ox.Store) -> dict[str, set[ox.Triple]]:
    views: dict[str, set[ox.Triple]] = {}
    for q in store.quads_for_pattern(None, None, None, None):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(VIEW_PREFIX):
            views.setdefault(q.graph_name.value, set()).add(q.triple)
    return views


def test_views_changed_in_place_equal_views_built_anew(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A changed record and a re-link change the views by difference; the result is what a
    build from nothing gives (every view, every triple)."""
    catalog = json.loads(corpus_path("datajson-agencies/fcc.data.json").read_text(encoding="utf-8"))
    source = tmp_path / "fcc"
    source.mkdir()
    data = tmp_path / "kg"
    ingestor = Ingestor(data)
    try:
        (source / "fcc.data.json").write_text(json.dumps(catalog), encoding="utf-8")
        ingestor.ingest([source])
        link(data, top_k=3, store=ingestor.store)
        ingestor.store.checkpoint(DataDir(data).checkpoints)
        catalog["dataset"][0]["title"] += " (revised)"  # one record of the unit changes
        (source / "fcc.data.json").write_text(json.dumps(catalog), encoding="utf-8")
        assert ingestor.ingest([source]).stored == 1
        link(data, top_k=2, store=ingestor.store)  # the links and their views change
        ingestor.store.checkpoint(DataDir(data).checkpoints)
        store = ingestor.store.store
        in_place = _views(store)
        assert any(v.startswith(f"{VIEW_PREFIX}m/links") for v in in_place)
        store.update(
            "".join(f"DROP GRAPH <{v}> ;\n" for v in in_place) + f"DROP SILENT GRAPH <{STATE_GRAPH}>"
        )
        refresh(store, data)
        anew = _views(store)
    finally:
        ingestor.close()
    assert in_place.keys() == anew.keys()
    for view in anew:
        assert in_place[view] == anew[view], view
