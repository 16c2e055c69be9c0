"""Related datasets across sources by embedding similarity, written as links with provenance."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.config import DataDir
from kg.linking.corpus import DatasetSummary, dataset_summaries
from kg.linking.embedder import MODEL_NAME, Embedder, text_hash
from kg.linking.index import VectorIndex
from kg.namespaces import BASE, CW, LINKS_GRAPH, short_hash
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
    run: str = ""
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    score: float


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
        for score, j in zip(scores[i], ids[i]):
            if j < 0 or j == i or sources[j] == sources[i]:
                continue
            if score < threshold:
                break
            links.append(Link(s.iri, summaries[j].iri, round(float(score), 4)))
            kept += 1
            if kept >= top_k:
                break
    return links


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
    result.links = len(links)
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
    store.replace_graphs({LINKS_GRAPH: "\n".join(nt_lines(triples))})
    if dirs.store.exists() and store.path == dirs.store:
        store.checkpoint(dirs.checkpoints)
    result.timings["store"] = time.perf_counter() - t0
    if own_store:
        store.close()
    return result
