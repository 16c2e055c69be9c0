"""``kg backup`` and ``kg restore`` of a data directory, while it is in use (issue 6, point 5).

A backup is a directory holding what a data directory cannot rebuild, or only at a cost:

- ``store/``: a consistent copy of the graph store (``pyoxigraph.Store.backup``). From the primary
  store when this process can open it; when another process holds it (an ingest, a harvest: the
  store takes one writer), from the newest checkpoint, which every writer makes after each
  committed batch, so the copy is consistent either way and says which it is;
- ``raw/``: the raw records by sha256 (never changed once written, so copying them is safe while
  an ingest adds more: the store copy refers only to records written before it);
- ``index/embeddings.sqlite``: the embedding cache (copied with SQLite's online backup API), so a
  restored directory re-links without re-embedding;
- ``curation/``, ``users.json``, ``tokens.json``, ``secret_key``, ``harvest/``, ``governance/``:
  curators' decisions, users, API token hashes, the session key, harvest state, access policies;
- ``audit/``: the audit log as it was (restore never replaces the live log: it appends a
  ``backup.restore`` entry to it);
- ``MANIFEST.json``: when, from where, which store copy, records and quads, the canonical hash.

``kg restore BACKUP`` checks the manifest against the copy, then puts the store and the rest in
place. The current store, if any, is kept beside it (``store.replaced-{time}``): nothing a user
gave us is lost. A new checkpoint is made, so a running server reads the restored graph on its
next request; the vector index is rebuilt by ``kg link`` (from the cached embeddings).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from kg.config import DataDir
from kg.store.oxigraph import GraphStore, compaction_marker, latest_checkpoint

MANIFEST = "MANIFEST.json"
_EXTRAS = ("curation", "users.json", "tokens.json", "secret_key", "harvest", "governance")
_BACKED_UP_ONLY = ("audit",)  # copied into a backup, never back over the live one


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    store_from: str  # "primary store" or "checkpoint cp-…"
    records: int
    quads: int
    canonical_hash: str
    raw_files: int
    seconds: float


def _counts(store: GraphStore) -> tuple[int, int, str]:
    from kg.export import canonical_hash

    return len(store.record_state()[1]), store.quad_count(), canonical_hash(store)


def _copy_store(dirs: DataDir, target: Path) -> str:
    """A consistent copy of the data directory's store into ``target``; returns where from."""
    try:
        store = GraphStore(dirs.store)
    except OSError:  # held by another process (pyoxigraph's lock): its newest checkpoint
        checkpoint = latest_checkpoint(dirs.checkpoints)
        if checkpoint is None:
            raise BackupError(f"{dirs.store} is in use by another process and has no checkpoint yet") from None
        reader = GraphStore(checkpoint, read_only=True)
        try:
            reader.store.backup(str(target))
        finally:
            reader.close()
        return f"checkpoint {checkpoint.name} (the primary store is in use by another process)"
    try:
        store.store.flush()
        store.store.backup(str(target))
    finally:
        store.close()
    return "primary store"


def _copy_tree(src: Path, dst: Path) -> int:
    """Copy new files of ``src`` into ``dst`` (files are never changed in place); returns their count."""
    n = 0
    for path in sorted(src.rglob("*")):
        if path.is_file() and not path.name.endswith(".tmp"):
            out = dst / path.relative_to(src)
            if not out.exists():
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out)
            n += 1
    return n


def backup(data_dir: Path, out: Path) -> BackupResult:
    """Back up ``data_dir`` into the new directory ``out``."""
    t0 = time.perf_counter()
    dirs = DataDir(Path(data_dir))
    if not dirs.store.exists():
        raise BackupError(f"no store in {data_dir}: nothing to back up")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty: give a new directory")
    work = out.with_name(out.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store_from = _copy_store(dirs, work / "store")
    copy = GraphStore(work / "store", read_only=True)
    try:
        records, quads, digest = _counts(copy)
    finally:
        copy.close()
    raw_files = _copy_tree(dirs.raw, work / "raw") if dirs.raw.exists() else 0
    cache = dirs.index / "embeddings.sqlite"
    if cache.exists():
        (work / "index").mkdir()
        with sqlite3.connect(str(cache)) as src, sqlite3.connect(str(work / "index" / cache.name)) as dst:
            src.backup(dst)
    for name in (*_EXTRAS, *_BACKED_UP_ONLY):
        src = dirs.root / name
        if src.is_dir():
            _copy_tree(src, work / name)
        elif src.is_file():
            shutil.copy2(src, work / name)
    manifest = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data_dir": str(dirs.root.resolve()),
        "store_from": store_from,
        "records": records,
        "quads": quads,
        "canonical_hash": digest,
        "raw_files": raw_files,
    }
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    if out.exists():
        out.rmdir()
    work.rename(out)  # a backup directory is complete or absent
    return BackupResult(out, store_from, records, quads, digest, raw_files, time.perf_counter() - t0)


def restore(backup_dir: Path, data_dir: Path) -> BackupResult:
    """Put the backup in ``backup_dir`` in place in ``data_dir`` (kept: the store it replaces)."""
    t0 = time.perf_counter()
    backup_dir = Path(backup_dir)
    manifest_path = backup_dir / MANIFEST
    if not manifest_path.is_file() or not (backup_dir / "store").is_dir():
        raise BackupError(f"{backup_dir} is not a Crosswalk backup (no {MANIFEST} and store/)")
    manifest = json.loads(manifest_path.read_text())
    copy = GraphStore(backup_dir / "store", read_only=True)
    try:
        records, quads, digest = _counts(copy)
    finally:
        copy.close()
    if (records, quads, digest) != (manifest["records"], manifest["quads"], manifest["canonical_hash"]):
        raise BackupError(
            f"{backup_dir}: the store copy does not match its manifest "
            f"({records} records, {quads} quads, hash {digest[:12]}… against {manifest['records']}, "
            f"{manifest['quads']}, {manifest['canonical_hash'][:12]}…): not restored"
        )
    dirs = DataDir(Path(data_dir)).ensure()
    if dirs.store.exists():
        try:  # a store another process writes cannot be swapped under it
            GraphStore(dirs.store).close()
        except OSError:
            raise BackupError(f"{dirs.store} is in use by another process: stop it (ingest, harvest), then restore") from None
    incoming = dirs.root / f"store.restoring-{time.time_ns()}"
    shutil.copytree(backup_dir / "store", incoming)
    if dirs.store.exists():
        dirs.store.rename(dirs.root / f"store.replaced-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**6}")
    incoming.rename(dirs.store)
    compaction_marker(dirs.store).unlink(missing_ok=True)  # the replaced store's compaction baseline
    raw_files = _copy_tree(backup_dir / "raw", dirs.raw) if (backup_dir / "raw").exists() else 0
    cache = backup_dir / "index" / "embeddings.sqlite"
    if cache.exists() and not (dirs.index / cache.name).exists():
        shutil.copy2(cache, dirs.index / cache.name)
    for name in _EXTRAS:
        src = backup_dir / name
        if src.is_dir():
            _copy_tree(src, dirs.root / name)
        elif src.is_file() and not (dirs.root / name).exists():
            shutil.copy2(src, dirs.root / name)
    store = GraphStore(dirs.store)
    try:
        store.checkpoint(dirs.checkpoints)  # a running server picks the restored graph up
    finally:
        store.close()
    return BackupResult(dirs.store, "backup " + str(backup_dir), records, quads, digest, raw_files,
                        time.perf_counter() - t0)  # fmt: skip
