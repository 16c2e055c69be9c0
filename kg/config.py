"""Where things live under a data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    return Path(os.environ.get("KG_DATA_DIR", "./data"))


@dataclass(frozen=True)
class DataDir:
    """Layout of a Crosswalk data directory."""

    root: Path

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def link_decisions(self) -> Path:
        """Curators' decisions on related-dataset links (kg.linking.curation): outside the store,
        so they survive rebuilding it."""
        return self.root / "curation" / "link-decisions.jsonl"

    @property
    def errors_log(self) -> Path:
        return self.root / "errors.jsonl"

    def ensure(self) -> DataDir:
        for path in (self.root, self.raw, self.checkpoints, self.index):
            path.mkdir(parents=True, exist_ok=True)
        return self
