"""The one place access is enforced: view graphs in the store, and the :class:`Scope` of a caller.

Why view graphs (measured, bench/RESULTS.md "Access control"): pyoxigraph evaluates a query
whose default graph is a *list* of graphs pattern by pattern over every graph of the list. With
graph-per-record, a caller's list is one graph per visible record: a GROUP BY over 2,757
datasets took 91 s that way, against 0.48 s over the union. So every checkpoint also holds
derived *view graphs* that group what callers read into few graphs:

* ``graph/view/unit/{unit}``: every triple of the records of one unit (a source's records that
  share a policy, :mod:`kg.governance.policy`): record, validation report and alignment
  graphs, the catalog's membership triples for those records and the catalog's own header;
* ``graph/view/m/{graph}/{u1+u2…}``: the triples of a graph about several datasets (links,
  curators' link decisions, duplicate candidates, vocabulary changes, record status), each
  node with its sub-nodes (a link's reasons) in the view named after the units of every
  dataset it mentions; ``…/_shared`` for nodes that mention only public ones or none (a link
  run's settings);
* ``graph/view/m/public/_shared``: a copy of the graphs everyone reads (ontology, software agents);
* ``graph/view/class/public``: the union of every public unit's view and the small ``_shared``
  mention views (``other``, ``public``), so a caller who sees every public unit (everyone,
  unless a unit was tightened since the last refresh) reads two graphs, it and
  ``links/_shared``: pyoxigraph evaluates a default graph of several graphs pattern by pattern
  over each (an anonymous GROUP BY: 744 ms over the four it used to be, 236 ms over two).

A caller's default graph is their visible unit views (the class view in place of the public
ones), the mention views whose every unit is visible, and the public graphs' copy; their named
graphs are each visible record's own graphs and the public ones: ``GRAPH ?g`` names
``graph/record/{key}`` as it did before policies, never a view (a view is the default graph's
building block, and naming it would count each triple twice). Any
graph not classified here is visible to global admins only (fails closed). The same list goes
to SPARQL, search, related datasets, counts, landing pages and exports, so a caller never
reaches another graph: not by ``GRAPH ?g``, FROM / FROM NAMED (intersected with the scope),
property paths, aggregates or DESCRIBE, which all run over the dataset the store is handed.

Views are rebuilt by :func:`refresh`, which :meth:`GraphStore.checkpoint` calls, so every
checkpoint a reader opens is consistent with the policies of its moment. Each view carries a
stamp of what it was built from (``graph/view-state``): only views whose records, policy unit
or source graph changed are rebuilt. The policy *levels* are not in the views: they are read
from the policy file at request time, so a level change or an embargo's date takes effect at
once; only giving a record its own policy (which moves it to another unit) needs a refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.export import STATUS_GRAPHS
from kg.governance.identity import Identity
from kg.governance.policy import POLICY_GRAPH, PolicySet, load
from kg.namespaces import (
    BASE,
    CHANGES_GRAPH,
    CW,
    DUPLICATES_GRAPH,
    LINK_DECISIONS_GRAPH,
    LINKS_GRAPH,
    ONTOLOGY_GRAPH,
    RUNS_GRAPH,
    SOFTWARE_GRAPH,
    alignment_graph,
    record_graph,
    validation_graph,
)
from kg.store.oxigraph import graph_difference

VIEW_PREFIX = f"{BASE}graph/view/"
UNIT_VIEW = f"{VIEW_PREFIX}unit/"
MENTION_VIEW = f"{VIEW_PREFIX}m/"
PUBLIC_VIEW = f"{VIEW_PREFIX}class/public"  # what everyone reads, in one graph
SHARED = "_shared"
# the _shared mention views the class view holds too; not links/_shared (535k triples for 2,755
# datasets, rewritten by every `kg link`: keeping the class view equal to it by difference made
# that checkpoint's refresh 104.6 s instead of 87.2 s, and a second graph costs little: an
# anonymous GROUP BY 190 -> 236 ms)
FOLDED = ("other", "public")
FOLDED_VIEWS = tuple(f"{MENTION_VIEW}{family}/{SHARED}" for family in FOLDED)
PUBLIC_COPY = f"{MENTION_VIEW}public/{SHARED}"  # the copy of PUBLIC_GRAPHS ("public" family)
SHARED_MARK = "+small-shared"  # in the class view's stamp: it holds the FOLDED families' _shared views
STATE_GRAPH = f"{BASE}graph/view-state"
STATUS_PREFIX = STATUS_GRAPHS
SOURCE_PREFIX = f"{BASE}graph/source/"
RECORD_PREFIX = f"{BASE}graph/record/"
VALIDATION_PREFIX = f"{BASE}graph/validation/"
PUBLIC_GRAPHS = (ONTOLOGY_GRAPH, SOFTWARE_GRAPH)
STAFF_GRAPHS = (RUNS_GRAPH, POLICY_GRAPH)
_DCAT = "http://www.w3.org/ns/dcat#"
_MEMBERSHIP = (f"{_DCAT}record", f"{_DCAT}dataset")
_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
_STAMP = ox.NamedNode(str(CW.viewStamp))


def unit_view(unit: str) -> str:
    return f"{UNIT_VIEW}{unit}"


# --- building the views (writers) -------------------------------------------------------------


@dataclass
class _Record:
    key: str
    source: str  # slug
    dataset: str
    unit: str = ""


def _records(store: ox.Store) -> list[_Record]:
    """Every committed record with its source (from the source graphs) and dataset."""
    rows = store.query(
        f"""SELECT ?sg ?g ?ds WHERE {{
              GRAPH ?sg {{ ?cat <{_DCAT}record> ?g }}
              FILTER(STRSTARTS(STR(?sg), "{SOURCE_PREFIX}"))
              GRAPH ?g {{ ?g <{CW.contentHash}> ?h ; <{_PRIMARY_TOPIC}> ?ds }} }}""",
    )
    out = {}
    for r in rows:
        g = r["g"].value
        if g.startswith(RECORD_PREFIX):
            key = g[len(RECORD_PREFIX) :]
            out.setdefault(key, _Record(key, r["sg"].value[len(SOURCE_PREFIX) :], r["ds"].value))
    return sorted(out.values(), key=lambda rec: rec.key)


def _graph_quads(store: ox.Store, graph: str) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") + b"\n")
    return h.hexdigest()[:32]


def _hashes(store: ox.Store) -> dict[str, str]:
    rows = store.query(f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{CW.contentHash}> ?h }} }}")
    return {r["g"].value: r["h"].value for r in rows}


def refresh(store: ox.Store, data_dir: Path | str, policies: PolicySet | None = None) -> dict[str, int]:
    """Bring the view graphs and ``graph/policy`` up to date with the records and the policies.

    Returns counts: views rebuilt, dropped, kept. Writes only what changed: the stamps of stale
    views and the views no longer made go in one update; a stale view that stays loses and gains
    only the triples that differ, new ones are bulk-loaded; stamps are written last (a crash in
    between leaves a view without its stamp, which the next refresh rebuilds).
    """
    policies = load(data_dir) if policies is None else policies
    records = _records(store)
    for rec in records:
        rec.unit = policies.unit_of(rec.source, rec.key)
    hashes = _hashes(store)
    reports = _report_digests(store)
    state = {
        q.subject.value: q.object.value for q in store.quads_for_pattern(None, _STAMP, None, ox.NamedNode(STATE_GRAPH))
    }
    existing = {g.value for g in store.named_graphs() if g.value.startswith(VIEW_PREFIX)}

    by_unit: dict[str, list[_Record]] = defaultdict(list)
    for rec in records:
        by_unit[rec.unit].append(rec)
    sources = sorted({rec.source for rec in records})
    source_quads = {s: _graph_quads(store, SOURCE_PREFIX + s) for s in sources}
    headers = {
        s: [q for q in qs if q.predicate.value not in _MEMBERSHIP and q.predicate.value != str(CW.accessLevel)]
        for s, qs in source_quads.items()
    }
    drop: list[str] = []
    build: list[tuple[str, Iterable[ox.Triple]]] = []
    stamps: dict[str, str] = {}
    kept = 0
    wanted_units = set()
    for unit, members in sorted(by_unit.items()):
        view = unit_view(unit)
        wanted_units.add(view)
        source = members[0].source
        parts = [unit, _digest(str(q) for q in headers[source])]
        for rec in members:
            parts += [rec.key, hashes.get(record_graph(rec.key), ""), hashes.get(alignment_graph(rec.key), ""),
                      reports.get(validation_graph(rec.key), "")]  # fmt: skip
        stamp = _digest(parts)
        if view in existing and state.get(view) == stamp:
            kept += 1
            continue
        drop.append(view)
        build.append((view, _unit_quads(store, members, source_quads[source], headers[source])))
        stamps[view] = stamp
    drop += [v for v in existing if v.startswith(UNIT_VIEW) and v not in wanted_units]

    # Mention views. A node that names only datasets of public units goes to the family's
    # _shared view; one naming a non-public unit goes to the view of its non-public units.
    # Tightening a policy therefore needs a refresh before it is saved (kg.governance.admin).
    where: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        where[rec.dataset].add(rec.unit)
        where[record_graph(rec.key)].add(rec.unit)
    public = {u for u in by_unit if (found := policies.unit_access(u)) is not None and found[1].level == "public"}
    where_digest = _digest(
        [*(f"{k} {' '.join(sorted(v))}" for k, v in sorted(where.items())), "public:", *sorted(public)]
    )
    named_now = {g.value for g in store.named_graphs()}
    status = sorted(g for g in named_now if g.startswith(STATUS_PREFIX))
    families = {
        "links": [LINKS_GRAPH],
        "other": [LINK_DECISIONS_GRAPH, DUPLICATES_GRAPH, CHANGES_GRAPH, *status],
        # a copy of the graphs everyone reads (ontology, software agents), so the class view can
        # hold them and everyone's default graph is that one graph
        "public": [g for g in PUBLIC_GRAPHS if g in named_now],
    }
    for family, graphs in families.items():
        marker = f"{MENTION_VIEW}{family}"
        who = [] if family == "public" else [where_digest]
        stamp = _digest([*who, *(f"{g} {_mention_digest(store, g)}" for g in graphs)])
        have = sorted(v for v in existing if v.startswith(marker + "/"))
        if state.get(marker) == stamp:
            kept += len(have)
            continue
        drop += have
        parts_by: dict[frozenset[str], list[ox.Triple]] = defaultdict(list)
        for g in graphs:
            if family == "public":
                parts_by[frozenset()].extend(q.triple for q in _graph_quads(store, g))
                continue
            for units, triples in _partition(_graph_quads(store, g), where, public).items():
                parts_by[units].extend(triples)
        for units, triples in parts_by.items():
            build.append((f"{marker}/{'+'.join(sorted(units)) if units else SHARED}", triples))
        stamps[marker] = stamp
    for v in existing:  # families no longer made
        if v.startswith(MENTION_VIEW) and v[len(MENTION_VIEW) :].split("/", 1)[0] not in families:
            drop.append(v)
    # the public class view: kept up to date by difference with the graphs it merges (the public
    # units' views and the small _shared mention views, which every caller reads)
    public_members = sorted(u for u in by_unit if u in public)
    member_graphs = [*(unit_view(u) for u in public_members), *FOLDED_VIEWS]
    old_stamp = state.get(PUBLIC_VIEW, "").split() if PUBLIC_VIEW in existing else []
    old_graphs = None  # None: no class view, or one made before it held these views: built anew
    if SHARED_MARK in old_stamp:
        old_graphs = [*(unit_view(u) for u in old_stamp if u != SHARED_MARK), *FOLDED_VIEWS]
    touched = {v for v, _ in build} | set(drop)  # rebuilt or gone this time
    class_work = (
        old_graphs is None
        or set(old_graphs) != set(member_graphs)
        or bool(touched & (set(member_graphs) | set(old_graphs)))
    )
    old_triples: dict[str, set[ox.Triple]] = {}
    if class_work and old_graphs is not None:
        for g in touched & set(old_graphs):  # read before the drop below
            old_triples[g] = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))}
    if class_work:
        stamps.pop(PUBLIC_VIEW, None)
        drop_stamps = [PUBLIC_VIEW]  # dirty until the class view is done: a crash means a full rebuild
    else:
        drop_stamps = []
    # A view rebuilt in place is changed by difference (one record changed in a unit of 1,800, or
    # a re-link that keeps most links: a few triples, not the whole view); its stamp goes first,
    # so a crash part way leaves it unstamped and the next refresh diffs what is really there.
    rebuilt = {v for v, _ in build if v in existing}
    if drop or stamps or drop_stamps:
        store.update(" ;\n".join(
            [f"DROP SILENT GRAPH <{v}>" for v in dict.fromkeys(drop) if v not in rebuilt]
            + [f"DELETE WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{v}> <{CW.viewStamp}> ?s }} }}"
               for v in dict.fromkeys((*drop, *stamps, *drop_stamps))]
        ))  # fmt: skip
    if build:
        gains = _diff_in_place(store, build, rebuilt)
        store.bulk_extend(itertools.chain(gains, (
            ox.Quad(t.subject, t.predicate, t.object, node)
            for view, triples in build if view not in rebuilt
            for node in (ox.NamedNode(view),)
            for t in triples
        )))  # fmt: skip
    if class_work:
        _update_public_view(store, old_graphs, member_graphs, touched, old_triples)
        stamps[PUBLIC_VIEW] = " ".join([SHARED_MARK, *public_members])
    if stamps:
        body = "\n".join(f'<{v}> <{CW.viewStamp}> "{s}" .' for v, s in stamps.items())
        store.update(f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{\n{body}\n}} }}")
    _mirror_policies(store, policies)  # the policies, for stewards' queries
    built = {v for v, _ in build}
    return {"built": len(built), "dropped": len(set(drop) - built), "kept": kept}


def _diff_in_place(store: ox.Store, build: list[tuple[str, Iterable[ox.Triple]]], rebuilt: set[str]) -> list[ox.Quad]:
    """Remove from each view in ``rebuilt`` (still holding its old triples) what it loses, and
    return what it gains. Blank nodes are no obstacle: a view copies them from the store's own
    graphs, labels and all."""
    gains: list[ox.Quad] = []
    for view, triples in build:
        if view not in rebuilt:
            continue
        node = ox.NamedNode(view)
        gone, added = graph_difference(store, view, set(triples))
        for t in gone:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, node))
        gains.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in added)
    return gains


def _update_public_view(
    store: ox.Store,
    old_graphs: list[str] | None,
    graphs: list[str],
    touched: set[str],
    old_triples: dict[str, set[ox.Triple]],
) -> None:
    """Make ``graph/view/class/public`` the union of ``graphs`` (the public units' views and the
    small _shared mention views): what every caller reads.

    Why: pyoxigraph evaluates a default graph of several graphs pattern by pattern over each:
    tens of unit views are 4-11x slower than one graph on whole-store aggregates, and the
    four graphs an anonymous caller used to read (this view, two _shared views, the software
    agents) 3x slower than the two it reads now (bench/RESULTS.md). Kept by difference: a triple
    leaves it only when no member has it any more; a first build (or one after a crash)
    copies every member. ``touched``: graphs rebuilt or dropped since ``old_triples`` was read."""
    node = ox.NamedNode(PUBLIC_VIEW)
    member_nodes = [ox.NamedNode(g) for g in graphs]

    def triples_of(g: str) -> Iterator[ox.Triple]:
        return (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))

    if old_graphs is None:
        store.update(f"DROP SILENT GRAPH <{PUBLIC_VIEW}>")
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, node) for g in graphs for t in triples_of(g))
        return
    now, before = set(graphs), set(old_graphs)
    removed: set[ox.Triple] = set()
    added: list[ox.Triple] = []
    for g in before - now:  # left the class: touched (read before), or unchanged (read now)
        removed |= old_triples[g] if g in old_triples else set(triples_of(g))
    for g in now - before:  # joined it
        added.extend(triples_of(g))
    for g in touched & now & before:
        new = set(triples_of(g))
        old = old_triples.get(g, set())
        removed |= old - new
        added.extend(new - old)
    for t in removed:
        if not any(ox.Quad(t.subject, t.predicate, t.object, m) in store for m in member_nodes):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, node))
    if added:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in added)


def _report_digests(store: ox.Store) -> dict[str, str]:
    """A digest of each validation report: its status and number of results (reports are
    rewritten with their record; this catches a re-validation that changes the outcome)."""
    rows = store.query(
        f"""SELECT ?g ?st (COUNT(?res) AS ?n) WHERE {{ GRAPH ?g {{ ?rep <{CW.status}> ?st
              OPTIONAL {{ ?rep <http://www.w3.org/ns/shacl#result> ?res }} }}
              FILTER(STRSTARTS(STR(?g), "{VALIDATION_PREFIX}")) }} GROUP BY ?g ?st"""
    )
    return {r["g"].value: f"{r['st'].value}/{r['n'].value}" for r in rows}


def _mention_digest(store: ox.Store, graph: str) -> str:
    """What a mention graph holds, cheaply: the links graph (hundreds of thousands of triples,
    rewritten whole by each ``kg link``) by its size and the runs that made it; the small ones
    (decisions, duplicates, status) by their content."""
    node = ox.NamedNode(graph)
    if graph == LINKS_GRAPH:
        size = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))["n"].value
        runs = store.query(
            f"SELECT DISTINCT ?run WHERE {{ GRAPH <{graph}> {{ ?s <http://www.w3.org/ns/prov#wasGeneratedBy> ?run }} }}"
        )
        return _digest([size, *sorted(r["run"].value for r in runs)])
    return _digest(sorted(str(q) for q in store.quads_for_pattern(None, None, None, node)))


def _unit_quads(
    store: ox.Store, members: list[_Record], source_quads: list[ox.Quad], header: list[ox.Quad]
) -> Iterator[ox.Triple]:
    keys = {rec.key for rec in members}
    mine = {record_graph(k) for k in keys} | {rec.dataset for rec in members}
    for q in header:
        yield q.triple
    for q in source_quads:
        if q.predicate.value in _MEMBERSHIP and q.object.value in mine:
            yield q.triple
    for rec in members:
        for graph in (record_graph(rec.key), validation_graph(rec.key), alignment_graph(rec.key)):
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                yield q.triple


def _partition(
    quads: list[ox.Quad], where: dict[str, set[str]], public: set[str] | frozenset[str] = frozenset()
) -> dict[frozenset[str], list[ox.Triple]]:
    """Each node of a mention graph with its sub-nodes, by the non-public units of the datasets
    it names (a node whose datasets are all in public units is shared: key ``frozenset()``)."""
    subjects = {q.subject.value for q in quads}
    parent: dict[str, str] = {}
    for q in quads:
        o = q.object
        if isinstance(o, ox.NamedNode) and o.value in subjects and o.value not in where and o.value != q.subject.value:
            parent.setdefault(o.value, q.subject.value)

    def root(node: str) -> str:
        seen = {node}
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
        return node

    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        groups[root(q.subject.value)].append(q)
    out: dict[frozenset[str], list[ox.Triple]] = defaultdict(list)
    for group in groups.values():
        named = sorted(
            {t.value for q in group for t in (q.subject, q.object) if isinstance(t, ox.NamedNode) and t.value in where}
        )
        if not named:
            out[frozenset()].extend(q.triple for q in group)
            continue
        # a dataset two catalogs list (one DOI) may sit in two units: the node is in each combination
        for combo in itertools.product(*(sorted(where[n]) for n in named)):
            out[frozenset(u for u in combo if u not in public)].extend(q.triple for q in group)
    return out


def _mirror_policies(store: ox.Store, policies: PolicySet) -> None:
    text = policies.to_graph().serialize(format="nt")
    current = sorted(str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(POLICY_GRAPH)))
    wanted = sorted(str(t) for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) if text.strip() else []
    if current == wanted:
        return
    store.update(f"DROP SILENT GRAPH <{POLICY_GRAPH}>")
    if wanted:
        store.update(f"INSERT DATA {{ GRAPH <{POLICY_GRAPH}> {{\n{text}\n}} }}")


# --- reading: the scope of a caller (readers) ---------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What a checkpoint holds, by unit (read once per checkpoint)."""

    units: dict[str, tuple[str, ...]]  # unit -> record keys
    mention_views: tuple[str, ...]
    graphs: tuple[str, ...]  # every named graph
    public_members: frozenset[str] | None = None  # the units graph/view/class/public holds (None: none)
    public_shared: bool = False  # it holds the FOLDED _shared mention views too


def layout(store: ox.Store) -> Layout:
    rows = store.query(
        f"""SELECT ?v ?k WHERE {{ GRAPH ?v {{ ?g <{CW.recordKey}> ?k ; <{CW.contentHash}> ?h }}
              FILTER(STRSTARTS(STR(?v), "{UNIT_VIEW}")) FILTER(STRSTARTS(STR(?g), "{RECORD_PREFIX}")) }}"""
    )
    units: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        units[r["v"].value[len(UNIT_VIEW) :]].add(r["k"].value)
    graphs = tuple(sorted(g.value for g in store.named_graphs()))
    for g in graphs:  # a unit view without records (all withdrawn) is still a unit
        if g.startswith(UNIT_VIEW):
            units.setdefault(g[len(UNIT_VIEW) :], set())
    mentions = tuple(g for g in graphs if g.startswith(MENTION_VIEW))
    members, shared = None, False
    stamp = next(
        iter(store.quads_for_pattern(ox.NamedNode(PUBLIC_VIEW), _STAMP, None, ox.NamedNode(STATE_GRAPH))), None
    )
    if stamp is not None and PUBLIC_VIEW in graphs:  # no stamp: being rebuilt, so the unit views are used
        tokens = stamp.object.value.split()
        members = frozenset(u for u in tokens if u not in ("-", SHARED_MARK))
        shared = SHARED_MARK in tokens
    return Layout({u: tuple(sorted(k)) for u, k in units.items()}, mentions, graphs, members, shared)


@dataclass(frozen=True)
class Scope:
    """The graphs one caller may read in one checkpoint."""

    default: tuple[str, ...]
    named: tuple[str, ...]
    units: frozenset[str]
    keys: frozenset[str] | None  # visible record keys; None: every record (admins)
    everything: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "_default_nodes", [ox.NamedNode(g) for g in self.default])
        object.__setattr__(self, "_named_nodes", [ox.NamedNode(g) for g in self.named])
        object.__setattr__(self, "_named_set", frozenset(self.named))

    def query_options(self, sparql: str | None = None) -> dict[str, object]:
        """pyoxigraph's dataset arguments for a query over this scope. With the query's text, the
        named graphs are only those it can name: none when it has no GRAPH, the constant ones
        when every GRAPH names an IRI. Why: pyoxigraph spends ~6 µs per listed named graph on
        every query (48 ms for the 8,272 graphs of 2,757 records), so only ``GRAPH ?var``
        pays for the full list."""
        if sparql is not None:
            targets = graph_targets(sparql)
            if targets is not None:
                named = [ox.NamedNode(g) for g in targets if self.sees_graph(g)]
                return {"default_graph": self._default_nodes, "named_graphs": named}  # type: ignore[attr-defined]
        return {"default_graph": self._default_nodes, "named_graphs": self._named_nodes}  # type: ignore[attr-defined]

    def sees_key(self, key: str) -> bool:
        return self.keys is None or key in self.keys

    def sees_graph(self, graph: str) -> bool:
        return graph in self._named_set  # type: ignore[attr-defined]

    def restrict(self, default: Iterable[str] | None, named: Iterable[str] | None) -> dict[str, object]:
        """A dataset the request names (FROM / FROM NAMED, default-graph-uri / named-graph-uri),
        cut to the graphs of this scope: a graph the caller may not see is an empty graph."""
        d = [ox.NamedNode(g) for g in dict.fromkeys(default or ()) if self.sees_graph(g)]
        n = [ox.NamedNode(g) for g in dict.fromkeys(named or ()) if self.sees_graph(g)]
        return {"default_graph": d, "named_graphs": n}


def graph_targets(sparql: str) -> list[str] | None:
    """The IRIs a query's ``GRAPH`` clauses name ([] when it has none), or None when one names a
    variable (or anything this cannot resolve): then every visible graph must be listed."""
    from kg.sparql.lexer import scan, tokenize

    if "GRAPH" not in sparql.upper():
        return []
    tokens = tokenize(sparql)
    prefixes: dict[str, str] | None = None
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or tok.text.upper() != "GRAPH" or i + 1 >= len(tokens):
            continue
        nxt = tokens[i + 1]
        if nxt.kind == "iri":
            out.append(nxt.text[1:-1])
        elif nxt.kind == "pname":
            prefixes = scan(sparql).prefixes if prefixes is None else prefixes
            pfx, _, local = nxt.text.partition(":")
            if pfx not in prefixes:
                return None
            out.append(prefixes[pfx] + local)
        else:
            return None
    return out


def visible_units(lay: Layout, policies: PolicySet, who: Identity, today: dt.date | None = None) -> frozenset[str]:
    """The one rule: which of a checkpoint's units ``who`` may read today."""
    return frozenset(u for u in lay.units if policies.can_see(who, u, today))


def scope_of(lay: Layout, units: Iterable[str], *, staff: bool = False, admin: bool = False) -> Scope:
    """The graphs of ``units`` (and the public ones; the operational ones for ``staff``; every
    graph for ``admin``) in one checkpoint. Pure: a SPARQL worker computes the same scope
    from the same units."""
    visible = frozenset(lay.units) if admin else frozenset(u for u in units if u in lay.units)
    default = _unit_defaults(lay, visible)
    # the class view holds the FOLDED families' _shared views: never read both (pyoxigraph does not
    # merge a default graph's members: a triple in two of them gives each solution twice)
    folded = FOLDED_VIEWS if default[:1] == [PUBLIC_VIEW] and lay.public_shared else ()
    for view in lay.mention_views:
        name = view.rsplit("/", 1)[-1]
        if name == SHARED and view not in folded or name != SHARED and all(u in visible for u in name.split("+")):
            default.append(view)
    public = [g for g in PUBLIC_GRAPHS if g in lay.graphs]
    if PUBLIC_COPY not in lay.graphs:  # a checkpoint made before their copy
        default += public
    if staff or admin:
        default += [g for g in STAFF_GRAPHS if g in lay.graphs]
    if admin:
        named_all = tuple(g for g in lay.graphs if not g.startswith(VIEW_PREFIX))
        return Scope(tuple(default), named_all, visible, None, everything=True)
    keys = frozenset(k for u in visible for k in lay.units[u])
    # GRAPH ?g names record graphs (as without policies), never the views the default graph is made of
    named = list(dict.fromkeys([*public, *(g for g in default if not g.startswith(VIEW_PREFIX))]))
    present = set(lay.graphs)  # only graphs that exist: most records have no alignment graph,
    for k in sorted(keys):  # and each listed graph costs pyoxigraph time on every GRAPH ?g query
        named += [g for g in (record_graph(k), validation_graph(k), alignment_graph(k)) if g in present]
    return Scope(tuple(default), tuple(named), visible, keys)


def _unit_defaults(lay: Layout, visible: frozenset[str]) -> list[str]:
    """The views that hold the visible units: the public class view when the caller may see every
    unit in it (everyone may, unless a unit stopped being public since the last refresh), and
    the unit views of the others."""
    members = lay.public_members
    if members and members <= visible:
        return [PUBLIC_VIEW] + [unit_view(u) for u in sorted(visible - members)]
    return [unit_view(u) for u in sorted(visible)]


@dataclass(frozen=True)
class ScopeSpec:
    """What a scope is made from, small enough to send to a SPARQL worker with each query."""

    checkpoint: str
    units: tuple[str, ...]
    staff: bool = False
    admin: bool = False


def scope_for(lay: Layout, policies: PolicySet, who: Identity, today: dt.date | None = None) -> Scope:
    return scope_of(lay, visible_units(lay, policies, who, today), staff=policies.is_staff(who), admin=who.is_admin)


class ScopeCache:
    """Scopes by checkpoint, policy file state, day and what visibility depends on."""

    def __init__(self, size: int = 64) -> None:
        self._layouts: dict[str, Layout] = {}
        self._scopes: dict[tuple[object, ...], tuple[Scope, ScopeSpec]] = {}
        self._size = size
        self._lock = threading.Lock()

    def layout(self, store: ox.Store, checkpoint: object) -> Layout:
        with self._lock:
            lay = self._layouts.get(str(checkpoint))
        if lay is None:
            lay = layout(store)
            with self._lock:
                self._layouts = {str(checkpoint): lay}  # only the newest checkpoint's
        return lay

    def scope(
        self, store: ox.Store, checkpoint: object, data_dir: Path | str, who: Identity
    ) -> tuple[Scope, ScopeSpec]:
        """The caller's scope in ``checkpoint`` and the spec a SPARQL worker rebuilds it from."""
        policies = load(data_dir)
        today = dt.datetime.now(dt.UTC).date()
        key = (str(checkpoint), id(policies), today, who.cache_key())
        with self._lock:
            hit = self._scopes.get(key)
        if hit is not None:
            return hit
        lay = self.layout(store, checkpoint)
        scope = scope_for(lay, policies, who, today)
        spec = ScopeSpec(str(checkpoint), tuple(sorted(scope.units)), policies.is_staff(who), who.is_admin)
        with self._lock:
            if len(self._scopes) >= self._size:
                self._scopes.clear()
            self._scopes[key] = (scope, spec)
        return scope, spec


class ScopedStore:
    """A GraphStore's read verbs, each over one caller's scope: what the web views are given."""

    def __init__(self, store: object, scope: Scope) -> None:
        self._store = store
        self.scope = scope
        self.path = getattr(store, "path", None)

    @property
    def cache_key(self) -> str:
        """Names what this store shows: its checkpoint and the caller's units (for caches of
        facts read from it, which must never be shared between scopes)."""
        units = "*" if self.scope.everything else ",".join(sorted(self.scope.units))
        return f"{self.path}|{hashlib.sha256(units.encode()).hexdigest()[:16]}"

    def query(self, sparql: str, **kwargs: object) -> object:
        return self._store.query(sparql, **self.scope.query_options(sparql), **kwargs)  # type: ignore[attr-defined]

    def select(self, sparql: str, **kwargs: object) -> list[dict[str, str]]:
        return self._store.select(sparql, **self.scope.query_options(sparql), **kwargs)  # type: ignore[attr-defined]

    def ask(self, sparql: str, **kwargs: object) -> bool:
        return self._store.ask(sparql, **self.scope.query_options(sparql), **kwargs)  # type: ignore[attr-defined]

    def named_graphs(self) -> Iterator[str]:
        return iter(g for g in self.scope.named if self._store.contains_graph(g))  # type: ignore[attr-defined]

    def contains_graph(self, graph: str) -> bool:
        return self.scope.sees_graph(graph) and self._store.contains_graph(graph)  # type: ignore[attr-defined]

    def quad_count(self) -> int:
        """Triples in the caller's default graph (counted once per scope)."""
        cached = getattr(self.scope, "_quads", None)
        if cached is None:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            cached = int(rows[0]["n"]) if rows else 0
            object.__setattr__(self.scope, "_quads", cached)
        return cached


def graph_clause(store: object, graph: str) -> str:
    """How a query names one of the graphs about several datasets (links, decisions,
    duplicates), or any record graph (``?g``): ``GRAPH <graph>`` / ``GRAPH ?g`` on a whole store
    (writers, the CLI), nothing on a scoped one, whose default graph holds exactly the caller's
    part of it (the views hold each record's own description too: ``?g foaf:primaryTopic ?ds``)."""
    if isinstance(store, ScopedStore):
        return ""
    return f"GRAPH {graph}" if graph.startswith("?") else f"GRAPH <{graph}>"
