"""A faiss inner-product index over normalised vectors, saved beside the store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import faiss
import numpy as np


class VectorIndex:
    """Exact cosine search (``IndexFlatIP`` on L2-normalised vectors) with record keys as ids.

    Exact search keeps results deterministic; at 20k vectors × 384 dims a query costs ~1 ms.
    """

    def __init__(self, keys: list[str], vectors: np.ndarray) -> None:
        if len(keys) != len(vectors):
            raise ValueError("one key per vector")
        self.keys = list(keys)
        self.index = faiss.IndexFlatIP(vectors.shape[1] if len(vectors) else 384)
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.position = {k: i for i, k in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, len(self.keys)))
        return self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)

    def vector(self, key: str) -> np.ndarray:
        return self.index.reconstruct(self.position[key])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tmp_index, tmp_keys = directory / "vectors.faiss.tmp", directory / "keys.json.tmp"
        faiss.write_index(self.index, str(tmp_index))
        tmp_keys.write_text(json.dumps(self.keys))
        os.replace(tmp_index, directory / "vectors.faiss")
        os.replace(tmp_keys, directory / "keys.json")

    @classmethod
    def load(cls, directory: Path) -> VectorIndex | None:
        path = directory / "vectors.faiss"
        if not path.exists():
            return None
        self = cls.__new__(cls)
        self.index = faiss.read_index(str(path))
        self.keys = json.loads((directory / "keys.json").read_text())
        self.position = {k: i for i, k in enumerate(self.keys)}
        return self
