"""Related datasets across sources by embedding similarity, written as links with provenance."""

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
from kg.linking.embedder import MODEL_NAME, Embedder, text_hash
from kg.linking.index import VectorIndex
from kg.namespaces import BASE, CW, DUPLICATES_GRAPH, LINKS_GRAPH, short_hash
from kg.ntriples import nt_lines
from kg.store import GraphStore

METHOD = "embedding-cosine"
DEFAULT_THRESHOLD = 0.5
DEFAULT_TOP_K = 5


@dataclass
class LinkResult:
    datasets: int = 0
    embedded: int = 0  # texts run through the model (0 when nothing changed)
    cached: int = 0
    links: int = 0
    duplicates: int = 0  # likely-duplicate pairs proposed for review
    run: str = ""
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    score: float


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two datasets with different identifiers that look like one: proposed, never merged."""

    a: str
    b: str
    score: float  # cosine of the embedded texts
    description_similarity: float  # character-level ratio of the normalised descriptions


DUPLICATE_COSINE = 0.95
DUPLICATE_DESCRIPTION = 0.9


def find_links(
    summaries: list[DatasetSummary],
    index: VectorIndex,
    vectors: np.ndarray,
    *,
    threshold: float,
    top_k: int,
) -> list[Link]:
    """For each dataset, its ``top_k`` most similar datasets from OTHER sources above threshold."""
    if not summaries:
        return []
    sources = [s.source for s in summaries]
    search_k = min(len(summaries), max(top_k * 10, 50))
    scores, ids = index.search(vectors, search_k)
    links: list[Link] = []
    for i, s in enumerate(summaries):
        kept = 0
        targets: set[str] = set()
        for score, j in zip(scores[i], ids[i]):
            if j < 0 or j == i or sources[j] == sources[i]:
                continue
            other = summaries[j].iri
            if other == s.iri or other in targets:
                continue  # the same dataset seen in another catalog, or already linked
            if score < threshold:
                break
            targets.add(other)
            links.append(Link(s.iri, other, round(float(score), 4)))
            kept += 1
            if kept >= top_k:
                break
    return links


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


def link(
    data_dir: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = DEFAULT_TOP_K,
    store: GraphStore | None = None,
    progress: bool = False,
) -> LinkResult:
    """Embed what changed, rebuild the vector index and replace the links graph."""
    dirs = DataDir(Path(data_dir)).ensure()
    own_store = store is None
    store = store or GraphStore(dirs.store)
    result = LinkResult()
    t0 = time.perf_counter()
    summaries = [s for s in dataset_summaries(store) if s.title or s.description]
    result.datasets = len(summaries)
    result.timings["read"] = time.perf_counter() - t0

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
    links = find_links(summaries, index, vectors, threshold=threshold, top_k=top_k)
    duplicates = find_duplicates(summaries, index, vectors)
    result.links = len(links)
    result.duplicates = len(duplicates)
    result.timings["link"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    run = URIRef(
        f"{BASE}run/link/"
        + short_hash(MODEL_NAME, str(threshold), str(top_k), *(s.key + text_hash(t) for s, t in zip(summaries, texts)))
    )
    result.run = str(run)
    triples: list[tuple[object, object, object]] = [
        (run, RDF.type, PROV.Activity),
        (run, CW.method, Literal(METHOD)),
        (run, CW.model, Literal(MODEL_NAME)),
        (run, CW.threshold, Literal(str(threshold), datatype=XSD.decimal)),
        (run, CW.topK, Literal(top_k)),
    ]
    for ln in links:
        a, b = URIRef(ln.source), URIRef(ln.target)
        node = URIRef(f"{BASE}link/{short_hash(ln.source, ln.target)}")
        triples += [
            (a, CW.relatedDataset, b),
            (node, RDF.type, CW.DatasetLink),
            (node, CW.linkSource, a),
            (node, CW.linkTarget, b),
            (node, CW.score, Literal(f"{ln.score:.4f}", datatype=XSD.decimal)),
            (node, CW.method, Literal(METHOD)),
            (node, CW.model, Literal(MODEL_NAME)),
            (node, PROV.wasGeneratedBy, run),
        ]
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
        {LINKS_GRAPH: "\n".join(nt_lines(triples)), DUPLICATES_GRAPH: "\n".join(nt_lines(dup_triples))}
    )
    if dirs.store.exists() and store.path == dirs.store:
        store.checkpoint(dirs.checkpoints)
    result.timings["store"] = time.perf_counter() - t0
    if own_store:
        store.close()
    return result
