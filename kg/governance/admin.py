"""Changing access policies: the one function the CLI (``kg policy``) and the web UI
(``/admin/access``) both call.

Order matters for safety. When a change can make something *less* visible (a record gets its
own policy, or a unit stops being public), the view graphs are rebuilt for the new policies
and a checkpoint is made *before* the file is saved: in between, readers see the new grouping
under the old levels, which never shows more than either. A change that only opens things up
is saved at once; it needs no store access, so it works while an ingest runs. A tightening
while another process writes the store is refused (:class:`StoreBusy`), never half applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.config import DataDir
from kg.governance.policy import PolicySet, load, save


class StoreBusy(RuntimeError):
    """The change needs the store rebuilt, and another process is writing it."""


def public_units(policies: PolicySet) -> set[str]:
    """The public sources, and the record policies that are public (unit names)."""
    out = {src for src, access in policies.sources.items() if access.level == "public"}
    out |= {f"{src}~{access.digest}" for src, access in policies.records.values() if access.level == "public"}
    return out


def needs_refresh(old: PolicySet, new: PolicySet) -> bool:
    """Whether views built for ``old`` could show under ``new`` what ``new`` hides."""
    if old.records != new.records:
        return True  # records change units
    # a source absent from .sources is public: compare over every source either names
    names = set(old.sources) | set(new.sources)
    return any(old.source_access(s).level == "public" and new.source_access(s).level != "public" for s in names)


def source_of_record(store: object, key: str) -> str | None:
    """The source (slug) of stored record ``key``, None when there is no such record."""
    from kg.namespaces import CW, record_graph

    if not key.isalnum():
        return None
    g = record_graph(key)
    rows = store.select(f"SELECT ?s WHERE {{ GRAPH <{g}> {{ <{g}> <{CW.source}> ?s }} }}")  # type: ignore[attr-defined]
    return rows[0]["s"].rstrip("/").rsplit("/", 1)[-1] if rows else None


def change(data_dir: Path | str, edit: Callable[[PolicySet], PolicySet], actor: str) -> tuple[PolicySet, str]:
    """Apply ``edit`` to the policies in force; returns the new policies and what was done.
    The audit log gets a ``policy.set`` entry."""
    from kg.audit import record
    from kg.store import GraphStore

    dirs = DataDir(Path(data_dir))
    old = load(data_dir)
    new = edit(old)
    how = "saved"
    if needs_refresh(old, new) and dirs.store.exists():
        try:
            store = GraphStore(dirs.store)
        except OSError as exc:
            raise StoreBusy(
                "this change hides data, so the store's views must be rebuilt first, and another process "
                "(an ingest, link or harvest) is writing the store: try again when it has finished"
            ) from exc
        try:
            store.checkpoint(dirs.checkpoints, policies=new)
        finally:
            store.close()
        how = "views rebuilt, checkpoint made, saved"
    save(data_dir, new)
    record(data_dir, actor, "policy.set", "policies", {"result": how, "policies": _summary(new)})
    return new, how


def _summary(p: PolicySet) -> dict[str, object]:
    return {
        "sources": {s: a.describe() for s, a in sorted(p.sources.items())},
        "records": {k: f"{s}: {a.describe()}" for k, (s, a) in sorted(p.records.items())},
        "labs": dict(sorted(p.labs.items())),
    }
