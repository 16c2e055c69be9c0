"""Related datasets, ranked by embedding similarity and shared facts, written as links with
their reasons and provenance.

Each dataset gets up to ``top_k`` related datasets of OTHER sources (``?a cw:relatedDataset ?b``,
the cross-lab links) and up to ``top_k_same`` of its own source (``?a cw:relatedInSource ?b``:
the rest of its collection, the same survey in other years). Both kinds are ``cw:DatasetLink``
nodes with the cosine (``cw:score``), the ranking score (``cw:rankScore``: cosine plus the
reasons' weights, ``kg.linking.related``), ``cw:linkScope`` (``other-source`` /
``same-source``) and one ``cw:reason`` node per kind of shared fact::

    <link/{h}> cw:reason <link/{h}/reason/facility> .
    <link/{h}/reason/facility> cw:reasonKind "facility" ;
        rdfs:label "Same facility: Spallation Neutron Source" ; cw:sharedValue <…/facilities/sns> ;
        cw:weight 0.2 .

The similarity itself is ``cw:score``; the landing page shows it as the last reason.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.config import DataDir
from kg.linking.corpus import DatasetSummary, dataset_summaries
from kg.linking.curation import curate_links, decisions_graph, pair_lookup
from kg.linking.embedder import MODEL_NAME, Embedder, text_hash
from kg.linking.index import VectorIndex
from kg.linking.related import RANK_VERSION, SIMILARITY, RankedLink, rank_related, ranking_settings, read_facts
from kg.namespaces import BASE, CW, DUPLICATES_GRAPH, LINKS_GRAPH, short_hash
from kg.ntriples import nt_lines
from kg.store import GraphStore

METHOD = "embedding-cosine"
DEFAULT_THRESHOLD = 0.5
DEFAULT_TOP_K = 5
MAX_SHARED_VALUES = 3  # cw:sharedValue triples per reason; the label names the first three too
DEFAULT_TOP_K_SAME = 10  # same-source links per dataset: the "Recall@10" of kg eval links reads ten


@dataclass
class LinkResult:
    datasets: int = 0
    embedded: int = 0  # texts run through the model (0 when nothing changed)
    cached: int = 0
    links: int = 0  # cross-source links (cw:relatedDataset)
    same_source_links: int = 0  # links within a source (cw:relatedInSource)
    reasons: int = 0  # cw:reason nodes written (the similarity is not one: it is cw:score)
    duplicates: int = 0  # likely-duplicate pairs proposed for review
    run: str = ""
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two datasets with different identifiers that look like one: proposed, never merged."""

    a: str
    b: str
    score: float  # cosine of the embedded texts
    description_similarity: float  # character-level ratio of the normalised descriptions


DUPLICATE_COSINE = 0.95
DUPLICATE_DESCRIPTION = 0.9


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def find_duplicates(
    summaries: list[DatasetSummary], index: VectorIndex, vectors: np.ndarray, *, k: int = 10
) -> list[DuplicateCandidate]:
    """Likely duplicates: different dataset IRIs, the same title and publisher (normalised), and a
    near-identical description (embedding cosine >= 0.95 and text ratio >= 0.9). Within a source
    too: a catalog may list one dataset twice under two identifiers."""
    if not summaries:
        return []
    scores, ids = index.search(vectors, min(len(summaries), k))
    found: dict[tuple[str, str], DuplicateCandidate] = {}
    for i, s in enumerate(summaries):
        title = _norm(s.title)
        if not title:
            continue
        for score, j in zip(scores[i], ids[i]):
            if j < 0 or j == i or score < DUPLICATE_COSINE:
                continue
            o = summaries[j]
            if o.iri == s.iri or _norm(o.title) != title or _norm(o.publisher) != _norm(s.publisher):
                continue
            ratio = difflib.SequenceMatcher(None, _norm(s.description), _norm(o.description)).ratio()
            if ratio < DUPLICATE_DESCRIPTION:
                continue
            a, b = sorted((s.iri, o.iri))
            found.setdefault((a, b), DuplicateCandidate(a, b, round(float(score), 4), round(ratio, 4)))
    return [found[pair] for pair in sorted(found)]


def _link_triples(ln: RankedLink, run: URIRef) -> list[tuple[object, object, object]]:
    """One link node with its scores, provenance and reasons (deterministic IRIs)."""
    a, b = URIRef(ln.source), URIRef(ln.target)
    node = URIRef(f"{BASE}link/{short_hash(ln.source, ln.target)}")
    triples: list[tuple[object, object, object]] = [
        (a, CW.relatedInSource if ln.same_source else CW.relatedDataset, b),
        (node, RDF.type, CW.DatasetLink),
        (node, CW.linkSource, a),
        (node, CW.linkTarget, b),
        (node, CW.linkScope, Literal("same-source" if ln.same_source else "other-source")),
        (node, CW.score, Literal(f"{ln.score:.4f}", datatype=XSD.decimal)),
        (node, CW.rankScore, Literal(f"{ln.rank:.4f}", datatype=XSD.decimal)),
        (node, CW.method, Literal(METHOD)),
        (node, CW.model, Literal(MODEL_NAME)),
        (node, PROV.wasGeneratedBy, run),
    ]
    for reason in ln.reasons:
        if reason.kind == SIMILARITY:
            continue  # it is cw:score
        r = URIRef(f"{node}/reason/{reason.kind}")
        triples += [  # no rdf:type: the range of cw:reason says it (a triple less per reason)
            (node, CW.reason, r),
            (r, CW.reasonKind, Literal(reason.kind)),
            (r, RDFS.label, Literal(reason.label)),
            (r, CW.weight, Literal(f"{reason.weight:.4f}", datatype=XSD.decimal)),
        ]
        for term, shown in list(zip(reason.terms, reason.values))[:MAX_SHARED_VALUES]:
            triples.append((r, CW.sharedValue, URIRef(term) if _is_iri(term) else Literal(shown)))
    return triples


def _is_iri(term: str) -> bool:
    return term.startswith(("http://", "https://", "urn:"))


def link(
    data_dir: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = DEFAULT_TOP_K,
    top_k_same: int = DEFAULT_TOP_K_SAME,
    store: GraphStore | None = None,
    progress: bool = False,
) -> LinkResult:
    """Embed what changed, rebuild the vector index, rank related datasets with their reasons
    and replace the links graph. ``threshold``: the least cosine of a link across sources, the
    least ranking score of one within a source (``kg.linking.related.rank_related``)."""
    dirs = DataDir(Path(data_dir)).ensure()
    own_store = store is None
    store = store or GraphStore(dirs.store)
    result = LinkResult()
    t0 = time.perf_counter()
    summaries = [s for s in dataset_summaries(store) if s.title or s.description]
    result.datasets = len(summaries)
    result.timings["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    facts = read_facts(store, summaries)
    result.timings["facts"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    embedder = Embedder(dirs.index / "embeddings.sqlite")
    texts = [s.embedding_text() for s in summaries]
    vectors = embedder.embed(texts, progress=progress) if texts else np.zeros((0, 384), np.float32)
    result.embedded, result.cached = embedder.embedded, embedder.cached
    embedder.close()
    result.timings["embed"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    index = VectorIndex([s.key for s in summaries], vectors)
    index.save(dirs.index)
    links = rank_related(summaries, facts, index, vectors, threshold=threshold, top_k=top_k, top_k_same=top_k_same)
    # curator decisions always win: rejected pairs go, accepted ones are marked or added
    links, curated = curate_links(dirs, links, lookup=pair_lookup(summaries, index))
    duplicates = find_duplicates(summaries, index, vectors)
    result.links = sum(1 for ln in links if not ln.same_source)
    result.same_source_links = len(links) - result.links
    result.duplicates = len(duplicates)
    result.timings["link"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    run = URIRef(
        f"{BASE}run/link/"
        + short_hash(
            MODEL_NAME, str(threshold), str(top_k), str(top_k_same), ranking_settings(),
            *(s.key + text_hash(t) + text_hash(f.fingerprint()) for s, t, f in zip(summaries, texts, facts)),
        )  # fmt: skip
    )
    result.run = str(run)
    triples: list[tuple[object, object, object]] = [
        (run, RDF.type, PROV.Activity),
        (run, CW.method, Literal(METHOD)),
        (run, CW.model, Literal(MODEL_NAME)),
        (run, CW.rankMethod, Literal(RANK_VERSION)),
        (run, CW.threshold, Literal(str(threshold), datatype=XSD.decimal)),
        (run, CW.topK, Literal(top_k)),
        (run, CW.topKSameSource, Literal(top_k_same)),
    ]
    for ln in links:
        link_triples = _link_triples(ln, run)
        result.reasons += sum(1 for t in link_triples if t[1] == CW.reason)
        triples += link_triples
    triples += curated
    dup_triples: list[tuple[object, object, object]] = []
    for d in duplicates:
        node = URIRef(f"{BASE}duplicate/{short_hash(d.a, d.b)}")
        dup_triples += [
            (node, RDF.type, CW.DuplicateCandidate),
            (node, CW.candidate, URIRef(d.a)),
            (node, CW.candidate, URIRef(d.b)),
            (node, CW.score, Literal(f"{d.score:.4f}", datatype=XSD.decimal)),
            (node, CW.descriptionSimilarity, Literal(f"{d.description_similarity:.4f}", datatype=XSD.decimal)),
            (node, CW.reviewStatus, Literal("proposed")),
            (node, RDFS.comment, Literal("same title and publisher, near-identical description")),
            (node, PROV.wasGeneratedBy, run),
        ]
    store.replace_graphs(
        {
            LINKS_GRAPH: "\n".join(nt_lines(triples)),
            DUPLICATES_GRAPH: "\n".join(nt_lines(dup_triples)),
            **decisions_graph(dirs),
        }
    )
    if dirs.store.exists() and store.path == dirs.store:
        store.checkpoint(dirs.checkpoints)
    result.timings["store"] = time.perf_counter() - t0
    if own_store:
        store.close()
    return result
