"""Embedded Oxigraph (pyoxigraph) store.

Writes go through SPARQL Update so that replacing a record's graphs is one transaction
(pyoxigraph: "either the full operation succeeds, or nothing is written"). Readers (the web
server) open a checkpoint made with ``Store.backup`` read-only, never the primary store that an
ingest may be writing (a read-only opening of a store another process writes is undefined
behaviour in pyoxigraph 0.5).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import CW

# A checkpoint compacts the store first (RocksDB ``optimize``) once its files have grown to this
# many times their size after the last compaction. Replaced graphs (views rebuilt, a new links
# graph from ``kg link``) leave their old versions on disk until compaction: measured on the
# sample corpus after a ``kg link``, 1.1 GB -> 511 MB in 14 s, and steward queries on the
# checkpoint 25-45 % faster (bench/RESULTS.md). Growth from new records triggers it too, at most
# once per 1.5x growth, so its cost stays proportional to the store's size.
COMPACT_GROWTH = 1.5


def disk_bytes(path: Path) -> int:
    """The size of the files under ``path`` (a store's directory)."""
    total = 0
    for f in path.rglob("*"):
        try:
            if f.is_file():
                total += f.stat().st_size
        except OSError:  # a file RocksDB removed meanwhile
            pass
    return total


def compaction_marker(store_path: Path) -> Path:
    """Where the store's size after its last compaction is kept (``{store}.compacted``)."""
    return store_path.with_name(store_path.name + ".compacted")


def graph_difference(store: ox.Store, graph: str, wanted: set[ox.Triple]) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """What ``graph`` holds that ``wanted`` does not, and what ``wanted`` adds to it."""
    have = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
    return have - wanted, wanted - have


class GraphStore:
    """A thin wrapper over ``pyoxigraph.Store`` with the verbs the pipeline needs."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is None:
            self.store = ox.Store()
        elif read_only:
            self.store = ox.Store.read_only(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store(str(self.path))

    def close(self) -> None:
        """Release the store (pyoxigraph closes it when the last reference goes)."""
        self.store = None  # type: ignore[assignment]
        import gc

        gc.collect()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def replace_graphs(
        self, graphs: dict[str, str], *, drop: Iterable[str] = (), new: Iterable[str] = ()
    ) -> None:
        """Atomically replace each named graph with the N-Triples text given for it.

        ``graphs`` maps graph IRI → N-Triples document; ``drop`` lists graphs to remove;
        ``new`` lists graphs known not to exist yet (no DROP needed: it costs ~0.5 ms each).

        An existing graph is replaced by difference: only the triples it loses are deleted and
        only those it gains are inserted, in the same one transaction. ``kg link`` rewrites a
        links graph of ~535k triples that mostly stays the same; dropping and inserting it
        whole took 55 s of a 108 s re-link (bench/RESULTS.md). A graph with blank nodes on
        either side is dropped and inserted whole (blank nodes cannot be matched by value).
        """
        fresh = set(new)
        parts: list[str] = []
        for g in drop:
            parts.append(f"DROP SILENT GRAPH <{g}>")
        for g, ntriples in graphs.items():
            if g not in fresh:
                delta = self._difference(g, ntriples)
                if delta is not None:
                    parts.extend(delta)
                    continue
                parts.append(f"DROP SILENT GRAPH <{g}>")
            if ntriples.strip():
                parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{ntriples}\n}} }}")
        if parts:
            self.store.update(" ;\n".join(parts))

    def _difference(self, graph: str, ntriples: str) -> list[str] | None:
        """The updates that turn ``graph`` into ``ntriples`` (none when it holds them already),
        or None where blank nodes make a difference meaningless."""
        wanted = {q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)} if ntriples.strip() else set()
        gone, added = graph_difference(self.store, graph, wanted)
        # wanted | gone is every triple of either side: blank nodes there cannot be matched by value
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in wanted | gone):
            return None
        out = []
        if gone:
            out.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n" + " .\n".join(map(str, gone)) + " .\n} }")
        if added:
            out.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n" + " .\n".join(map(str, added)) + " .\n} }")
        return out

    def write_graphs(
        self, graphs: dict[str, list[str]], *, markers: dict[str, str], replace: Iterable[str] = ()
    ) -> None:
        """Write many record graphs, each with a commit marker.

        ``graphs``: graph IRI → N-Triples lines; ``markers``: record graph IRI → its
        ``cw:contentHash`` line; ``replace``: graphs that exist already.

        Graphs that replace existing ones are written with one SPARQL Update (drop and insert in
        one transaction), so a reader or a crash never sees a record half replaced. New graphs
        have no old version to protect: they are bulk-loaded (Oxigraph's transactional insert
        costs ~3x its bulk loader on real records) and then get their markers in one
        transaction. A new graph without its marker is a torn write: ``repair()`` drops it
        before the next ingest rewrites it.
        """
        replacing = set(replace)
        if replacing:
            parts: list[str] = []
            for g, lines in graphs.items():
                if g not in replacing:
                    continue
                body = lines + ([markers[g]] if g in markers else [])
                parts.append(f"DROP SILENT GRAPH <{g}>")
                if body:
                    parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n" + "\n".join(body) + "\n} }")
            if parts:
                self.store.update(" ;\n".join(parts))
        chunk: list[str] = []
        for g, lines in graphs.items():
            if g in replacing:
                continue
            suffix = f" <{g}> ."
            chunk.extend(line[:-2] + suffix for line in lines)
        if chunk:
            self.store.bulk_extend(ox.parse("\n".join(chunk), format=ox.RdfFormat.N_QUADS))
        marks = [line[:-2] + f" <{g}> ." for g, line in markers.items() if g not in replacing]
        if marks:
            self.store.extend(ox.parse("\n".join(marks), format=ox.RdfFormat.N_QUADS))

    def repair(
        self, prefix: str, companions: Iterable[tuple[str, str]] = (), *, marked: Iterable[str] | None = None
    ) -> list[str]:
        """Drop record graphs under ``prefix`` that have no commit marker (torn writes).

        ``companions`` maps a record-graph prefix to the prefix of graphs written with it
        (validation reports), which are dropped too. Returns the dropped graph IRIs.
        """
        marked = set(self.record_hashes() if marked is None else marked)
        torn = [g for g in self.named_graphs() if g.startswith(prefix) and g not in marked]
        drops = list(torn)
        for rec_prefix, other_prefix in companions:
            drops += [other_prefix + g[len(rec_prefix) :] for g in torn if g.startswith(rec_prefix)]
        if drops:
            self.store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in drops))
        return torn

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()

    # --- reading ---------------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: object) -> object:
        return self.store.query(sparql, **kwargs)

    def select(self, sparql: str, **kwargs: object) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: lexical value} (unbound variables omitted)."""
        result = self.store.query(sparql, **kwargs)
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            rows.append(row)
        return rows

    def ask(self, sparql: str, **kwargs: object) -> bool:
        """The answer of an ASK query."""
        return bool(self.store.query(sparql, **kwargs))

    def record_hashes(self) -> dict[str, str]:
        """Content hash of every stored record graph, keyed by graph IRI."""
        rows = self.select(
            f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{CW.contentHash}> ?h }} }}"
        )
        return {r["g"]: r["h"] for r in rows}

    def record_state(self) -> tuple[dict[str, str], dict[str, str]]:
        """One scan: content hash by graph IRI, and input fingerprint by record key, of every
        committed record graph (one whose commit marker is there)."""
        rows = self.select(
            f"""SELECT ?g ?h ?k ?f WHERE {{ GRAPH ?g {{ ?g <{CW.contentHash}> ?h .
                OPTIONAL {{ ?g <{CW.recordKey}> ?k ; <{CW.inputFingerprint}> ?f }} }} }}"""
        )
        return {r["g"]: r["h"] for r in rows}, {r["k"]: r["f"] for r in rows if "k" in r and "f" in r}

    def contains_graph(self, graph: str) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(graph))

    def named_graphs(self) -> Iterator[str]:
        for g in self.store.named_graphs():
            yield g.value

    def quad_count(self) -> int:
        return len(self.store)

    def dump_nquads(self, out: object) -> None:
        self.store.dump(out, format=ox.RdfFormat.N_QUADS)

    # --- checkpoints -----------------------------------------------------------------------

    def checkpoint(self, directory: Path, *, policies: object = None) -> Path:
        """A consistent read-only copy for readers; returns its path and points LATEST at it.
        ``policies`` (kg.governance.policy.PolicySet): build the views for these instead of the
        data directory's file (a policy change checkpoints before it saves the file)."""
        assert self.path is not None, "in-memory stores have no checkpoints"
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"cp-{time.time_ns()}"
        # the view graphs readers are scoped to, consistent with this checkpoint's records and
        # the policies of the data directory (kg.governance.views); rebuilds only what changed
        from kg.governance.views import refresh

        refresh(self.store, directory.parent, policies)  # type: ignore[arg-type]
        self.store.flush()
        self.compact_if_grown()
        self.store.backup(str(target))
        latest = directory / "LATEST"
        tmp = directory / "LATEST.tmp"
        tmp.write_text(target.name)
        tmp.replace(latest)
        # Keep the two newest checkpoints: a reader may still have the previous one open.
        existing = sorted(p for p in directory.glob("cp-*") if p.is_dir())
        for old in existing[:-2]:
            shutil.rmtree(old, ignore_errors=True)
        return target


    def compact_if_grown(self, growth: float = COMPACT_GROWTH) -> bool:
        """Compact the store when its files have grown ``growth`` times since the last compaction
        (the size then is kept beside the store, ``{store}.compacted``; with none, as in a store
        made before this or restored from a backup, it compacts). Returns whether it compacted."""
        assert self.path is not None
        marker = compaction_marker(self.path)
        size = disk_bytes(self.path)
        try:
            baseline = int(marker.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            baseline = 0
        compact = baseline <= 0 or size > growth * baseline
        if compact:
            self.store.optimize()
            size = disk_bytes(self.path)
            tmp = marker.with_name(marker.name + ".tmp")
            tmp.write_text(f"{size}\n")
            tmp.replace(marker)
        return compact


def latest_checkpoint(directory: Path) -> Path | None:
    latest = directory / "LATEST"
    if not latest.exists():
        return None
    path = directory / latest.read_text().strip()
    return path if path.exists() else None
