"""Search relevance on the DataFinder benchmark (``kg eval search``; issue 5, point 2).

The benchmark's corpus (``corpus.jsonl``: a dataset's name, alternative names, description and
the title of the paper that introduced it) is written as a DCAT-US ``data.json`` catalog and
ingested through the normal pipeline (lift, validate, store, align, embed); every query then
goes through ``Searcher.search``, the code path of the web page and ``/api/search``. Each run
(lexical only, dense only, the full system) is scored with nDCG@10, Recall@100 and MRR, for the
sentence queries (``query``) and the keyphrase queries (``keyphrase_query``). Nothing else of a
query (its abstract, labels) is read.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PUBLISHER = "Papers with Code (DataFinder benchmark corpus)"


def datafinder_catalog(corpus: Path, out: Path) -> int:
    """Write ``corpus.jsonl`` as a DCAT-US 1.1 catalog: title = the dataset's name; description =
    the introducing paper's title, the description, then the alternative names.
    The corpus lists 33 datasets twice (two papers describe them): a catalog lists an identifier
    once, so their descriptions are joined. Returns the number of datasets."""
    merged: dict[str, dict[str, object]] = {}
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            entry = merged.setdefault(row["id"], {"parts": [], "names": []})
            text = (row.get("contents") or "").strip()
            if row.get("title"):  # first: the model reads the first 128 word pieces only
                text = f"Introduced in: {row['title']}.\n\n{text}"
            entry["parts"].append(text)  # type: ignore[union-attr]
            entry["names"] += [v for v in row.get("variants") or [] if v and v != row["id"]]  # type: ignore[operator]
    datasets = []
    for ident, entry in merged.items():
        description = "\n\n".join(dict.fromkeys(entry["parts"]))  # type: ignore[arg-type]
        names = list(dict.fromkeys(entry["names"]))  # type: ignore[arg-type]
        if names:  # alternative names, not subject keywords: they often name other datasets ("X to Y")
            description += "\n\nAlso known as: " + "; ".join(names)
        # only what the corpus says: no invented dates, contacts or codes (validation reports
        # the fields DCAT-US requires and the corpus lacks; the records are stored all the same)
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "identifier": ident,
                "title": ident,
                "description": description,
                "keyword": [],
                "publisher": {"@type": "org:Organization", "name": PUBLISHER},
                "accessLevel": "public",
            }
        )
    catalog = {
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "dataset": datasets,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(catalog, ensure_ascii=False, indent=0), encoding="utf-8")
    return len(datasets)


@dataclass(frozen=True)
class Query:
    sentence: str
    keyphrase: str
    relevant: frozenset[str]


def load_queries(path: Path) -> list[Query]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.append(Query(row["query"], row.get("keyphrase_query") or row["query"], frozenset(row["documents"])))
    return out


def ndcg_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    rel = set(relevant)
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(rel))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 100) -> float:
    rel = set(relevant)
    return len(rel & set(ranked[:k])) / len(rel) if rel else 0.0


def mrr(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    rel = set(relevant)
    return next((1.0 / (i + 1) for i, d in enumerate(ranked) if d in rel), 0.0)


@dataclass
class RunScores:
    mode: str
    kind: str  # "sentence" / "keyphrase"
    ndcg10: float
    recall100: float
    mrr: float
    queries: int
    ms_per_query: float
    per_query: list[float] = field(default_factory=list)


def evaluate(searcher: object, queries: Sequence[Query], *, modes: Sequence[str] = ("lexical", "dense", "hybrid")
             ) -> list[RunScores]:  # fmt: skip
    """Every query of each kind through ``searcher.search(q, limit=100, mode=m)``; a hit is
    identified by its ``dcterms:identifier`` (the benchmark's dataset id)."""
    out = []
    for mode in modes:
        for kind in ("sentence", "keyphrase"):
            nd, rc, rr = [], [], []
            t0 = time.perf_counter()
            for q in queries:
                text = q.sentence if kind == "sentence" else q.keyphrase
                result = searcher.search(text, limit=100, mode=mode)  # type: ignore[attr-defined]
                ranked = [h.identifier for h in result.hits]
                nd.append(ndcg_at(ranked, q.relevant))
                rc.append(recall_at(ranked, q.relevant))
                rr.append(mrr(ranked, q.relevant))
            ms = (time.perf_counter() - t0) * 1000 / max(1, len(queries))
            n = max(1, len(queries))
            out.append(RunScores(mode, kind, sum(nd) / n, sum(rc) / n, sum(rr) / n, len(queries), ms, nd))
    return out
