"""Curators' decisions on related-dataset links (issue 5, point 4): data that outlives the store.

A curator accepts or rejects the link between two datasets, and says why. Each decision is one
JSON line in ``{data}/curation/link-decisions.jsonl`` (:attr:`kg.config.DataDir.link_decisions`)::

    {"at": "2026-05-04T09:12:00Z", "comment": "same beamline campaign", "curator": "ada",
     "source": "https://doi.org/10.x/a", "status": "accepted", "target": "https://w3id.org/crosswalk/dataset/…"}

* The file is outside ``store/``: deleting the store and ingesting again, or ``kg link``, never
  loses a decision. It is an input of the build, like the mapping sets: the graphs made from it
  are the same for the same file (its times are the curators', not the build's).
* It is append-only: nothing a curator did is lost. The latest line for a pair wins, by file order
  (appends are serialised by a lock, so file order is the order decisions were made; clocks are
  not compared).
* A pair is undirected. The linker proposes A→B from A's neighbours and often B→A from B's; a
  curator judges whether the two datasets are related, so rejecting A→B also suppresses B→A,
  and accepting either direction accepts the pair.
* A rejection needs a comment saying why (as for mappings); an acceptance may have one.
* Curator decisions always win (ARCHITECTURE.md, "link"): :func:`apply_decisions` drops the
  machine's links on rejected pairs and adds accepted pairs the machine did not produce.

Graphs. ``graph/link-decisions`` (:data:`kg.namespaces.LINK_DECISIONS_GRAPH`) holds the latest
decision per pair; :func:`write_decisions_graph` rewrites it from the file right after each
decision, so SPARQL and landing pages see it before the next ``kg link``::

    <{BASE}link-decision/{sha(A,B)}> a cw:LinkDecision, prov:Entity ;
        cw:linkSource <A> ; cw:linkTarget <B> ;      # the direction the curator looked at
        cw:dataset <A>, <B> ;                        # both ends, for joins that ignore direction
        cw:reviewStatus "accepted" | "rejected" ;
        prov:wasAttributedTo <{BASE}user/{name}> ;   # the agent of the mapping reviews too
        prov:generatedAtTime "…"^^xsd:dateTime ;
        rdfs:comment "why" .
    <{BASE}user/{name}> a prov:Agent ; rdfs:label "name" .

In ``graph/links`` (written by ``kg link`` through :func:`curate_links`), a machine link on an
accepted pair keeps its machine provenance and gains ``cw:curationStatus "accepted"`` and
``cw:curationDecision <decision>``; an accepted pair the machine did not link becomes a
``cw:DatasetLink`` (``cw:relatedDataset``, or ``cw:relatedInSource`` within one source, as the
linker writes them) with ``cw:method "curator"``, the same two curation triples,
``prov:wasAttributedTo`` the curator, and (when both datasets are embedded) ``cw:linkScope``
and the model's ``cw:score`` and ``cw:model``, but no ``prov:wasGeneratedBy`` run and no
``cw:rankScore``. A machine link nobody reviewed has no ``cw:curationStatus``; a rejected pair
has no link at all.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.alignment.decisions import user_iri  # the curator's agent IRI, as mapping reviews name it
from kg.config import DataDir
from kg.governance.views import graph_clause
from kg.linking.embedder import MODEL_NAME
from kg.namespaces import BASE, CW, LINK_DECISIONS_GRAPH, LINKS_GRAPH, normalize_doi, short_hash
from kg.ntriples import nt_lines, safe_iri
from kg.store import GraphStore

if TYPE_CHECKING:  # faiss and the model stay unloaded for the web views
    from kg.linking.corpus import DatasetSummary
    from kg.linking.index import VectorIndex

log = logging.getLogger(__name__)

Pair = tuple[str, str]  # two dataset IRIs, sorted: a decision is about the pair, not a direction
Triple = tuple[object, object, object]

STATUSES = ("accepted", "rejected")
CURATOR_METHOD = "curator"  # cw:method of a link that exists because a curator accepted it
MAX_COMMENT = 2000
MAX_IRI = 2000
DECISION_PREFIX = f"{BASE}link-decision/"
FIELDS = ("source", "target", "status", "curator", "at", "comment")

_CURATOR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # as kg.users names users
_IRI = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
_KEY = re.compile(r"^[0-9a-f]{20}$")
_thread_lock = threading.Lock()


class LinkDecisionError(ValueError):
    """A decision that cannot be recorded or read; ``field`` names the field at fault."""

    def __init__(self, field_name: str, message: str, *, where: str = "") -> None:
        self.field = field_name
        self.reason = message
        super().__init__(f"{where}{field_name}: {message}")


@dataclass(frozen=True)
class Decision:
    """One curator's decision on the link between two datasets."""

    source: str
    target: str
    status: str  # "accepted" or "rejected"
    curator: str  # a user name of kg.users
    at: str  # ISO 8601 date-time in UTC, "2026-05-04T09:12:00Z"
    comment: str = ""

    @property
    def pair(self) -> Pair:
        return pair_key(self.source, self.target)

    @property
    def curator_iri(self) -> str:
        return user_iri(self.curator)

    @property
    def iri(self) -> str:
        return decision_iri(self.pair)

    def other(self, dataset: str) -> str:
        """The dataset at the other end of the pair from ``dataset``."""
        return self.target if dataset == self.source else self.source

    def to_json(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}


def pair_key(a: str, b: str) -> Pair:
    """The undirected pair of two dataset IRIs."""
    return (a, b) if a <= b else (b, a)


def decision_iri(pair: Pair) -> str:
    return DECISION_PREFIX + short_hash(*pair)


def link_node(source: str, target: str) -> str:
    """The IRI ``kg.linking.linker`` gives the ``cw:DatasetLink`` node of source→target (the tests
    check the two agree)."""
    return f"{BASE}link/{short_hash(source, target)}"


# --- validating --------------------------------------------------------------------------------


def _check_iri(field_name: str, value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise LinkDecisionError(field_name, f"must be a dataset IRI (text), not {type(value).__name__}")
    text = (value or "").strip()
    if not text:
        raise LinkDecisionError(field_name, "is missing: give the dataset's IRI")
    if len(text) > MAX_IRI or not _IRI.match(text) or safe_iri(text) != text:
        raise LinkDecisionError(field_name, f"{text[:200]!r} is not an http(s) dataset IRI")
    return text


def _check_at(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LinkDecisionError("at", "is missing: give an ISO 8601 date-time with a time zone")
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise LinkDecisionError("at", f"{value[:60]!r} is not an ISO 8601 date-time") from None
    if when.tzinfo is None:
        raise LinkDecisionError("at", f"{value!r} has no time zone (write …Z for UTC)")
    return when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_decision(
    source: object, target: object, status: object, curator: object, at: object, comment: object = ""
) -> Decision:
    """A :class:`Decision` from raw values, or :class:`LinkDecisionError` naming the bad field."""
    src, tgt = _check_iri("source", source), _check_iri("target", target)
    if src == tgt:
        raise LinkDecisionError("target", "is the source dataset itself: a link joins two datasets")
    if status not in STATUSES:
        raise LinkDecisionError("status", f"must be accepted or rejected, not {str(status)[:40]!r}")
    if not isinstance(curator, str) or not _CURATOR.match(curator):
        raise LinkDecisionError("curator", f"{str(curator)[:70]!r} is not a user name")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise LinkDecisionError("comment", f"must be text, not {type(comment).__name__}")
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise LinkDecisionError("comment", f"is {len(text)} characters long; keep it under {MAX_COMMENT}")
    if status == "rejected" and not text:
        raise LinkDecisionError("comment", "a rejection needs a comment saying why")
    return Decision(src, tgt, str(status), curator, _check_at(at), text)


def _from_json(data: object, where: str) -> Decision:
    if not isinstance(data, dict):
        raise LinkDecisionError("line", "is not a JSON object", where=where)
    try:
        return make_decision(*(data.get(name, "") for name in FIELDS))
    except LinkDecisionError as exc:
        raise LinkDecisionError(exc.field, exc.reason, where=where) from None


# --- the decisions file ------------------------------------------------------------------------


def read_decisions(dirs: DataDir) -> list[Decision]:
    """Every decision in the file, oldest first. A last line without its newline is a write
    that never finished (the curator saw no success) and is left out; any other bad line is an
    error naming the line and the field."""
    path = dirs.link_decisions
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    if lines[-1].strip():
        log.warning("%s: the last line is incomplete (an interrupted write); it is ignored", path)
    lines.pop()
    out: list[Decision] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{path}:{number}: "
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LinkDecisionError("line", f"is not JSON ({exc})", where=where) from None
        out.append(_from_json(data, where))
    return out


def load_decisions(dirs: DataDir) -> dict[Pair, Decision]:
    """The decision in force for each pair: the latest one in the file."""
    current: dict[Pair, Decision] = {}
    for d in read_decisions(dirs):
        current[d.pair] = d
    return current


def _drop_torn_tail(fd: int) -> None:
    """Cut an unfinished last line (a crash mid-append) so the next line starts on its own."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    end = size
    while end > 0:
        start = max(0, end - 65536)
        chunk = os.pread(fd, end - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            os.ftruncate(fd, start + cut + 1)
            return
        end = start
    os.ftruncate(fd, 0)


def _append_line(dirs: DataDir, line: bytes) -> None:
    path = dirs.link_decisions
    path.parent.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(path.parent / ".link-decisions.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                _drop_torn_tail(fd)
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:  # the new directory entry must survive a crash too
                dir_fd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record_decision(
    dirs: DataDir,
    source: str,
    target: str,
    status: str,
    *,
    curator: str,
    comment: str = "",
    at: str | None = None,
    store: GraphStore | None = None,
) -> Decision:
    """Validate a decision and append it to the decisions file (flushed to disk before this
    returns). With ``store``, both datasets must be stored there. Raises
    :class:`LinkDecisionError` naming the field; nothing is written then."""
    when = at or dt.datetime.now(dt.UTC).isoformat()
    decision = make_decision(source, target, status, curator, when, comment)
    if store is not None:
        known = stored_datasets(store, [decision.source, decision.target])
        for name in ("source", "target"):
            iri = getattr(decision, name)
            if iri not in known:
                raise LinkDecisionError(name, f"no stored dataset has the IRI {iri}")
    line = json.dumps(decision.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
    _append_line(dirs, line.encode("utf-8"))
    return decision


# --- applying decisions to the machine's links -------------------------------------------------


class LinkLike(Protocol):
    """What curation reads of a link: ``kg.linking.related.RankedLink`` and :class:`StoredLink` are."""

    @property
    def source(self) -> str: ...

    @property
    def target(self) -> str: ...

    @property
    def score(self) -> float: ...


L = TypeVar("L", bound=LinkLike)


@dataclass(frozen=True)
class CuratorLink:
    """A link that exists because a curator accepted it; the machine did not propose it."""

    source: str
    target: str
    score: float | None  # the model's cosine for the pair, when both datasets are embedded
    same_source: bool | None  # both datasets in one source (None: not known)
    decision: Decision


@dataclass
class CuratedLinks(Generic[L]):
    """The machine's links with the curators' decisions applied. Iterating gives every link that
    stands: the machine's kept links, then the curators' added ones."""

    machine: list[L] = field(default_factory=list)  # not on a rejected pair, in the machine's order
    added: list[CuratorLink] = field(default_factory=list)  # accepted pairs the machine did not link
    accepted: dict[Pair, Decision] = field(default_factory=dict)  # pairs of kept machine links a curator accepted
    dropped: list[L] = field(default_factory=list)  # machine links on rejected pairs

    def __iter__(self) -> Iterator[L | CuratorLink]:
        yield from self.machine
        yield from self.added

    def __len__(self) -> int:
        return len(self.machine) + len(self.added)

    def pairs(self) -> set[Pair]:
        return {pair_key(ln.source, ln.target) for ln in self}

    def status(self, ln: LinkLike | CuratorLink) -> str:
        """``accepted`` (a curator said so) or ``machine`` (nobody has reviewed it)."""
        if isinstance(ln, CuratorLink) or pair_key(ln.source, ln.target) in self.accepted:
            return "accepted"
        return "machine"


@dataclass
class PairLookup:
    """What adding a curator's link needs to know of two datasets (by IRI): the model's cosine and
    whether they share a source. Built from what the linker has at hand (:func:`pair_lookup`)."""

    index: VectorIndex
    keys: dict[str, list[str]]  # dataset IRI → its records' keys in the index
    sources: dict[str, set[str]]  # dataset IRI → the sources listing it

    def known(self, iri: str) -> bool:
        return bool(self.keys.get(iri))

    def cosine(self, a: str, b: str) -> float | None:
        """The best cosine over the two datasets' records (a dataset may be in several catalogs)."""
        if not self.known(a) or not self.known(b):
            return None
        return round(
            max(float(self.index.vector(x) @ self.index.vector(y)) for x in self.keys[a] for y in self.keys[b]), 4
        )

    def same_source(self, a: str, b: str) -> bool | None:
        if not self.known(a) or not self.known(b):
            return None
        return bool(self.sources[a] & self.sources[b])


def pair_lookup(summaries: Iterable[DatasetSummary], index: VectorIndex) -> PairLookup:
    """A :class:`PairLookup` over the datasets the linker embedded (``index`` holds their keys)."""
    keys: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, set[str]] = defaultdict(set)
    for s in summaries:
        if s.key in index.position:
            keys[s.iri].append(s.key)
            sources[s.iri].add(s.source)
    return PairLookup(index, dict(keys), dict(sources))


def apply_decisions(
    links: Iterable[L], decisions: Mapping[Pair, Decision], *, lookup: PairLookup | None = None
) -> CuratedLinks[L]:
    """Curator decisions win: drop machine links on rejected pairs (either direction), mark those
    on accepted pairs, add accepted pairs the machine did not link (in the curator's direction).

    With ``lookup``, an added link gets the model's cosine and its scope (same source or not), and
    an accepted pair whose dataset is not there (no longer stored, or not embedded) is not added:
    a link never points at a dataset that is missing. The decision stays in the file and counts
    again when the dataset is back.
    """
    result: CuratedLinks[L] = CuratedLinks()
    linked: set[Pair] = set()
    for ln in links:
        pair = pair_key(ln.source, ln.target)
        decision = decisions.get(pair)
        if decision is not None and decision.status == "rejected":
            result.dropped.append(ln)
            continue
        result.machine.append(ln)
        linked.add(pair)
        if decision is not None:
            result.accepted[pair] = decision
    for pair in sorted(decisions):
        d = decisions[pair]
        if d.status != "accepted" or pair in linked:
            continue
        if lookup is None:
            result.added.append(CuratorLink(d.source, d.target, None, None, d))
        elif lookup.known(d.source) and lookup.known(d.target):
            result.added.append(
                CuratorLink(
                    d.source, d.target, lookup.cosine(d.source, d.target), lookup.same_source(d.source, d.target), d
                )
            )
    return result


def curation_link_triples(curated: CuratedLinks[L]) -> list[Triple]:
    """What ``graph/links`` says about curation: the accepted machine links' status and decision,
    and the curators' added links in full (see the module docstring)."""
    triples: list[Triple] = []
    for ln in curated.machine:
        decision = curated.accepted.get(pair_key(ln.source, ln.target))
        if decision is not None:
            node = URIRef(link_node(ln.source, ln.target))
            triples += [
                (node, CW.curationStatus, Literal("accepted")),
                (node, CW.curationDecision, URIRef(decision.iri)),
            ]
    for c in curated.added:
        a, b, node = URIRef(c.source), URIRef(c.target), URIRef(link_node(c.source, c.target))
        triples += [
            (a, CW.relatedInSource if c.same_source else CW.relatedDataset, b),
            (node, RDF.type, CW.DatasetLink),
            (node, CW.linkSource, a),
            (node, CW.linkTarget, b),
            (node, CW.method, Literal(CURATOR_METHOD)),
            (node, CW.curationStatus, Literal("accepted")),
            (node, CW.curationDecision, URIRef(c.decision.iri)),
            (node, PROV.wasAttributedTo, URIRef(c.decision.curator_iri)),
        ]
        if c.same_source is not None:
            triples.append((node, CW.linkScope, Literal("same-source" if c.same_source else "other-source")))
        if c.score is not None:
            triples += [
                (node, CW.score, Literal(f"{c.score:.4f}", datatype=XSD.decimal)),
                (node, CW.model, Literal(MODEL_NAME)),
            ]
    return triples


def curate_links(dirs: DataDir, links: list[L], *, lookup: PairLookup | None = None) -> tuple[list[L], list[Triple]]:
    """The wiring for ``kg link``: the machine links to write as before (rejected pairs gone) and
    the extra triples for ``graph/links`` (accepted marks, the curators' own links)."""
    curated = apply_decisions(links, load_decisions(dirs), lookup=lookup)
    return curated.machine, curation_link_triples(curated)


# --- the decisions graph -----------------------------------------------------------------------


def decision_triples(decisions: Mapping[Pair, Decision] | Iterable[Decision]) -> list[Triple]:
    """``graph/link-decisions``: each decision in force, with who, when and why (PROV-O)."""
    values = decisions.values() if isinstance(decisions, Mapping) else decisions
    triples: list[Triple] = []
    for d in values:
        node, agent = URIRef(d.iri), URIRef(d.curator_iri)
        triples += [
            (node, RDF.type, CW.LinkDecision),
            (node, RDF.type, PROV.Entity),
            (node, CW.linkSource, URIRef(d.source)),
            (node, CW.linkTarget, URIRef(d.target)),
            (node, CW.dataset, URIRef(d.source)),
            (node, CW.dataset, URIRef(d.target)),
            (node, CW.reviewStatus, Literal(d.status)),
            (node, PROV.wasAttributedTo, agent),
            (node, PROV.generatedAtTime, Literal(d.at, datatype=XSD.dateTime)),
            (agent, RDF.type, PROV.Agent),
            (agent, RDFS.label, Literal(d.curator)),
        ]
        if d.comment:
            triples.append((node, RDFS.comment, Literal(d.comment)))
    return triples


def decisions_graph(dirs: DataDir, decisions: Mapping[Pair, Decision] | None = None) -> dict[str, str]:
    """``{LINK_DECISIONS_GRAPH: N-Triples}`` (from the file unless ``decisions`` are given), for
    ``GraphStore.replace_graphs``."""
    current = load_decisions(dirs) if decisions is None else decisions
    return {LINK_DECISIONS_GRAPH: "\n".join(nt_lines(decision_triples(current)))}


def write_decisions_graph(store: GraphStore, dirs: DataDir) -> int:
    """Replace ``graph/link-decisions`` from the file (one transaction) and, when ``store`` is the
    primary store of ``dirs``, make a checkpoint so readers see it at once. Returns the number of
    decisions in force."""
    decisions = load_decisions(dirs)
    store.replace_graphs(decisions_graph(dirs, decisions))
    if store.path is not None and dirs.store.exists() and store.path.resolve() == dirs.store.resolve():
        store.checkpoint(dirs.checkpoints)
    return len(decisions)


# --- reading decisions back from a store (landing pages, SPARQL readers) ---------------------


def stored_decisions(store: GraphStore, dataset: str | None = None) -> dict[Pair, Decision]:
    """The decisions in ``graph/link-decisions`` of ``store`` (all, or those about ``dataset``)."""
    about = ""
    if dataset is not None:
        if safe_iri(dataset) != dataset or not _IRI.match(dataset):
            return {}
        about = f"?d <{CW.dataset}> <{dataset}> ."
    rows = store.select(
        f"""SELECT ?d ?s ?t ?status ?who ?at ?comment WHERE {{ {graph_clause(store, LINK_DECISIONS_GRAPH)} {{ {about}
              ?d <{CW.linkSource}> ?s ; <{CW.linkTarget}> ?t ; <{CW.reviewStatus}> ?status ;
                 <{PROV.generatedAtTime}> ?at ; <{PROV.wasAttributedTo}> ?agent .
              ?agent <{RDFS.label}> ?who
              OPTIONAL {{ ?d <{RDFS.comment}> ?comment }} }} }}"""
    )
    out: dict[Pair, Decision] = {}
    for r in rows:
        d = Decision(r["s"], r["t"], r["status"], r["who"], r["at"], r.get("comment", ""))
        out[d.pair] = d
    return out


def rejected_pairs(store: GraphStore, dataset: str | None = None) -> set[Pair]:
    """Pairs a curator rejected, as :func:`pair_key` gives them: a landing page drops a related
    dataset ``other`` of ``ds`` when ``pair_key(ds, other)`` is in ``rejected_pairs(store, ds)``."""
    return {p for p, d in stored_decisions(store, dataset).items() if d.status == "rejected"}


def stored_datasets(store: GraphStore, iris: Iterable[str]) -> set[str]:
    """Those of ``iris`` that are the dataset of some stored record."""
    chosen = sorted({i for i in iris if _IRI.match(i) and safe_iri(i) == i})
    if not chosen:
        return set()
    values = " ".join(f"<{i}>" for i in chosen)
    rows = store.select(
        f"""SELECT DISTINCT ?ds WHERE {{ VALUES ?ds {{ {values} }}
              GRAPH ?g {{ ?g <{CW.recordKey}> ?key ; <http://xmlns.com/foaf/0.1/primaryTopic> ?ds }} }}"""
    )
    return {r["ds"] for r in rows}


def resolve_dataset(store: GraphStore, ref: str) -> str | None:
    """The dataset IRI for a record key, a DOI or a dataset IRI, if it is stored."""
    text = (ref or "").strip()
    if _KEY.match(text):
        rows = store.select(
            f"""SELECT ?ds WHERE {{ GRAPH <{BASE}graph/record/{text}> {{
                  <{BASE}graph/record/{text}> <http://xmlns.com/foaf/0.1/primaryTopic> ?ds }} }} LIMIT 1"""
        )
        return rows[0]["ds"] if rows else None
    doi = normalize_doi(text)
    iri = f"https://doi.org/{doi}" if doi else text
    return iri if iri in stored_datasets(store, [iri]) else None


# --- the review queue --------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetInfo:
    iri: str
    key: str  # a record key: the landing page
    title: str
    labs: tuple[str, ...]  # source names of the records that list it


@dataclass(frozen=True)
class QueueItem:
    """One undirected machine-linked pair waiting for a decision, in its best-scoring direction."""

    source: str
    target: str
    score: float
    cross_lab: bool

    @property
    def pair(self) -> Pair:
        return pair_key(self.source, self.target)


def dataset_infos(store: GraphStore) -> dict[str, DatasetInfo]:
    """Title, landing key and labs of every stored dataset (one scan of the record graphs)."""
    rows = store.select(
        f"""SELECT ?ds ?key ?src ?title WHERE {{
              GRAPH ?g {{ ?g <{CW.recordKey}> ?key ; <{CW.source}> ?src ; <http://xmlns.com/foaf/0.1/primaryTopic> ?ds
                OPTIONAL {{ ?ds <http://purl.org/dc/terms/title> ?title }} }}
              FILTER(STRSTARTS(STR(?g), "{BASE}graph/record/")) }}"""
    )
    keys: dict[str, str] = {}
    titles: dict[str, str] = {}
    labs: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        ds = r["ds"]
        keys[ds] = min(keys.get(ds, r["key"]), r["key"])
        title = r.get("title", "")
        if title and (ds not in titles or title < titles[ds]):
            titles[ds] = title
        labs[ds].add(r["src"].rstrip("/").rsplit("/", 1)[-1])
    return {ds: DatasetInfo(ds, keys[ds], titles.get(ds, ""), tuple(sorted(labs[ds]))) for ds in keys}


@dataclass(frozen=True)
class StoredLink:
    """A machine link as ``kg link`` wrote it in ``graph/links``."""

    source: str
    target: str
    score: float


def machine_links(store: GraphStore) -> list[StoredLink]:
    """The machine's links in ``graph/links`` of ``store`` (a curator's own links left out)."""
    rows = store.select(
        f"""SELECT ?a ?b ?score WHERE {{ {graph_clause(store, LINKS_GRAPH)} {{
              ?l a <{CW.DatasetLink}> ; <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b ; <{CW.score}> ?score
              FILTER NOT EXISTS {{ ?l <{CW.method}> "{CURATOR_METHOD}" }} }} }} ORDER BY ?a ?b"""
    )
    return [StoredLink(r["a"], r["b"], float(r["score"])) for r in rows]


def review_queue(
    store: GraphStore,
    decisions: Mapping[Pair, Decision],
    infos: Mapping[str, DatasetInfo],
    *,
    lab: str | None = None,
    links: Iterable[StoredLink] | None = None,
) -> list[QueueItem]:
    """The machine's links in ``store`` (or ``links`` read from it before) no curator has decided
    on, one per pair: links across labs first, then by score (best first); with ``lab``, only
    pairs with a dataset of that lab."""
    best: dict[Pair, QueueItem] = {}
    for ln in machine_links(store) if links is None else links:
        pair = pair_key(ln.source, ln.target)
        if pair in decisions:
            continue
        a, b = infos.get(ln.source), infos.get(ln.target)
        if lab is not None and not ((a and lab in a.labs) or (b and lab in b.labs)):
            continue
        cross = not (a and b and set(a.labs) & set(b.labs))
        current = best.get(pair)
        if current is None or ln.score > current.score:
            best[pair] = QueueItem(ln.source, ln.target, ln.score, cross)
    return sorted(best.values(), key=lambda q: (not q.cross_lab, -q.score, q.pair))
