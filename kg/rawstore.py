"""Raw records kept on disk, content-addressed by sha256, never deleted (ARCHITECTURE.md)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class RawStore:
    """``raw/ab/abcdef...``: the exact bytes of every input file and every record cut from it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes, *, sync: bool = True) -> str:
        """Store ``data`` (idempotent) and return its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
