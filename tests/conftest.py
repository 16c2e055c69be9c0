"""Shared test fixtures. Real records are read from ../shared/corpus/, never copied here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def corpus_path(relative: str) -> Path:
    """A path inside ../shared/corpus; the test is skipped (with the reason) when it is absent."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"shared corpus file not available: {path}")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    return CORPUS
