"""Access policies per source and per record, kept as RDF in ``{data_dir}/governance/policies.ttl``.

The file is the truth: the web server reads it again whenever it changes (no restart) and
evaluates embargo dates at request time (an embargo lifts at its date without re-ingest).
Every checkpoint also copies it into ``graph/policy`` so that stewards can query it.

Vocabulary (declared in ``ontologies/core.ttl``)::

    <…/policy/source/ornl> a cw:AccessPolicy ;
        cw:appliesTo <…/source/ornl> ;         # a source (catalog) …
        cw:accessLevel "embargoed" ;           # public | internal | restricted | embargoed
        cw:embargoUntil "2027-06-01"^^xsd:date ;
        dcterms:modified "2026-12-02T10:00:00Z"^^xsd:dateTime ; prov:wasAttributedTo <…/user/ada> .
    <…/policy/record/{key}> a cw:AccessPolicy ;
        cw:appliesTo <…/graph/record/{key}> ;   # … or one record
        cw:accessLevel "restricted" ; cw:accessGroup "fusion-team" .
    <…/source/ornl> cw:lab "ornl" .            # which lab a source belongs to (default: itself)

What each level lets a caller see (the lab is the source's lab; global admins and the lab's
stewards and admins see everything of the lab):

* ``public``: everyone;
* ``internal``: the lab's members;
* ``restricted``: members of the named groups;
* ``embargoed``: the lab's members until ``embargoUntil``, everyone from that day on (UTC).

A source without a policy is public (what every source was before policies existed). A record
policy overrides its source's. Records are grouped into *units* for the store's view graphs
(:mod:`kg.governance.views`): a source's records without their own policy form the unit named
after the source; records with their own policy form ``{source}~{hash of the policy}``, one
unit per distinct policy, so the number of units stays small. A unit the file does not
describe (a view built for a policy that was then removed) is visible to admins only: the
check fails closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.governance.identity import Identity
from kg.namespaces import BASE, CW, record_graph, slug, source_iri

PROV = Namespace("http://www.w3.org/ns/prov#")
LEVELS = ("public", "internal", "restricted", "embargoed")
POLICY_GRAPH = BASE + "graph/policy"
_SOURCE_PREFIX = f"{BASE}source/"
_RECORD_PREFIX = f"{BASE}graph/record/"


class PolicyError(ValueError):
    """A policy that cannot be set (unknown level, restricted without groups, bad date, …)."""


@dataclass(frozen=True)
class Access:
    level: str = "public"
    groups: tuple[str, ...] = ()
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise PolicyError(f"access level {self.level!r}: use one of {', '.join(LEVELS)}")
        if self.level == "restricted" and not self.groups:
            raise PolicyError("a restricted policy names at least one group (--group NAME)")
        if self.level == "embargoed" and self.until is None:
            raise PolicyError("an embargoed policy needs the date it lifts (--until YYYY-MM-DD)")
        if self.level != "restricted" and self.groups:
            raise PolicyError(f"groups only apply to restricted access, not {self.level}")
        if self.level != "embargoed" and self.until is not None:
            raise PolicyError(f"a lifting date only applies to embargoed access, not {self.level}")

    @property
    def digest(self) -> str:
        text = "|".join([self.level, ",".join(sorted(self.groups)), self.until.isoformat() if self.until else ""])
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def describe(self) -> str:
        if self.level == "restricted":
            return f"restricted to {', '.join(sorted(self.groups))}"
        if self.level == "embargoed":
            return f"embargoed until {self.until.isoformat() if self.until else '?'}"
        return self.level


PUBLIC = Access()


@dataclass(frozen=True)
class Stamp:
    """Who set a policy and when (kept beside it in the file)."""

    by: str = ""
    at: str = ""


@dataclass
class PolicySet:
    sources: dict[str, Access] = field(default_factory=dict)  # by source slug
    records: dict[str, tuple[str, Access]] = field(default_factory=dict)  # key -> (source slug, access)
    labs: dict[str, str] = field(default_factory=dict)  # source slug -> lab
    stamps: dict[str, Stamp] = field(default_factory=dict)  # "source:x" / "record:k" -> stamp

    # --- what a record and a unit are -----------------------------------------------------

    def lab_of(self, source: str) -> str:
        return self.labs.get(slug(source), slug(source))

    def source_access(self, source: str) -> Access:
        return self.sources.get(slug(source), PUBLIC)

    def unit_of(self, source: str, key: str) -> str:
        """The view unit of a record of ``source``."""
        own = self.records.get(key)
        return f"{slug(source)}~{own[1].digest}" if own else slug(source)

    def unit_access(self, unit: str) -> tuple[str, Access] | None:
        """(source, access) of a unit; None when no policy describes it (visible to admins only)."""
        source, _, digest = unit.partition("~")
        if not digest:
            return source, self.source_access(source)
        for src, access in self.records.values():
            if src == source and access.digest == digest:
                return source, access
        return None

    # --- who sees what ----------------------------------------------------------------------

    def can_see(self, who: Identity, unit: str, today: dt.date | None = None) -> bool:
        if who.is_admin:
            return True
        found = self.unit_access(unit)
        if found is None:
            return False
        source, access = found
        role = who.lab_role(self.lab_of(source))
        if role in ("steward", "admin"):
            return True
        if access.level == "public":
            return True
        if access.level == "internal":
            return role is not None
        if access.level == "restricted":
            return bool(who.groups & set(access.groups))
        # embargoed
        today = today or dt.datetime.now(dt.UTC).date()
        return role is not None or (access.until is not None and today >= access.until)

    def can_administer(self, who: Identity, source: str) -> bool:
        """Global admins, and the admins of the source's lab, set its policies."""
        return who.is_admin or who.lab_role(self.lab_of(source)) == "admin"

    def is_staff(self, who: Identity) -> bool:
        """Sees the operational graphs (run log, policy mirror): admins, any lab's stewards/admins."""
        return who.is_admin or any(r in ("steward", "admin") for r in who.labs.values())

    # --- RDF ----------------------------------------------------------------------------------

    def to_graph(self) -> Graph:
        g = Graph()
        g.bind("cw", CW)
        g.bind("dcterms", DCTERMS)
        g.bind("prov", PROV)

        def policy(node: URIRef, target: URIRef, access: Access, stamp: Stamp | None) -> None:
            g.add((node, RDF.type, CW.AccessPolicy))
            g.add((node, CW.appliesTo, target))
            g.add((node, CW.accessLevel, Literal(access.level)))
            for group in sorted(access.groups):
                g.add((node, CW.accessGroup, Literal(group)))
            if access.until is not None:
                g.add((node, CW.embargoUntil, Literal(access.until.isoformat(), datatype=XSD.date)))
            if stamp and stamp.at:
                g.add((node, DCTERMS.modified, Literal(stamp.at, datatype=XSD.dateTime)))
            if stamp and stamp.by:
                g.add((node, PROV.wasAttributedTo, URIRef(f"{BASE}user/{slug(stamp.by)}")))
                g.add((node, CW.setBy, Literal(stamp.by)))

        for src, access in sorted(self.sources.items()):
            policy(
                URIRef(f"{BASE}policy/source/{src}"), URIRef(source_iri(src)), access, self.stamps.get(f"source:{src}")
            )
        for key, (src, access) in sorted(self.records.items()):
            node = URIRef(f"{BASE}policy/record/{key}")
            policy(node, URIRef(record_graph(key)), access, self.stamps.get(f"record:{key}"))
            g.add((node, CW.source, URIRef(source_iri(src))))
        for src, lab in sorted(self.labs.items()):
            g.add((URIRef(source_iri(src)), CW.lab, Literal(lab)))
        return g

    @classmethod
    def from_graph(cls, g: Graph, where: str = "policies") -> PolicySet:
        out = cls()
        for node in g.subjects(RDF.type, CW.AccessPolicy):
            target = str(g.value(node, CW.appliesTo) or "")
            level = str(g.value(node, CW.accessLevel) or "")
            groups = tuple(sorted(str(o) for o in g.objects(node, CW.accessGroup)))
            until_lit = g.value(node, CW.embargoUntil)
            try:
                until = dt.date.fromisoformat(str(until_lit)) if until_lit is not None else None
                access = Access(level, groups, until)
            except ValueError as exc:
                raise PolicyError(f"{where}: policy {node}: {exc}") from exc
            stamp = Stamp(str(g.value(node, CW.setBy) or ""), str(g.value(node, DCTERMS.modified) or ""))
            if target.startswith(_SOURCE_PREFIX):
                src = target[len(_SOURCE_PREFIX) :]
                out.sources[src] = access
                out.stamps[f"source:{src}"] = stamp
            elif target.startswith(_RECORD_PREFIX):
                key = target[len(_RECORD_PREFIX) :]
                src_iri = str(g.value(node, CW.source) or "")
                if not src_iri.startswith(_SOURCE_PREFIX):
                    raise PolicyError(f"{where}: record policy {node} names no cw:source")
                out.records[key] = (src_iri[len(_SOURCE_PREFIX) :], access)
                out.stamps[f"record:{key}"] = stamp
            else:
                raise PolicyError(f"{where}: policy {node} applies to {target!r}, neither a source nor a record graph")
        for s, lab in g.subject_objects(CW.lab):
            if str(s).startswith(_SOURCE_PREFIX):
                out.labs[str(s)[len(_SOURCE_PREFIX) :]] = str(lab)
        return out


# --- the file --------------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[int, int], PolicySet]] = {}
_lock = threading.Lock()


def policy_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "governance" / "policies.ttl"


def load(data_dir: Path | str) -> PolicySet:
    """The policies in force (read again when the file changes; no file: every source public)."""
    path = policy_path(data_dir)
    try:
        st = path.stat()
    except FileNotFoundError:
        return PolicySet()
    stamp = (st.st_mtime_ns, st.st_size)
    with _lock:
        hit = _cache.get(path)
        if hit and hit[0] == stamp:
            return hit[1]
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - a broken file must not open everything up
        raise PolicyError(f"{path}: cannot be read: {exc}") from exc
    policies = PolicySet.from_graph(g, str(path))
    with _lock:
        _cache[path] = (stamp, policies)
    return policies


def save(data_dir: Path | str, policies: PolicySet) -> Path:
    """Write the file atomically (temporary file, fsync, rename)."""
    path = policy_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = policies.to_graph().serialize(format="turtle")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    with _lock:
        _cache.pop(path, None)
    return path


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def with_source(policies: PolicySet, source: str, access: Access | None, by: str) -> PolicySet:
    """A copy with ``source``'s policy set (None: back to public)."""
    out = replace(policies, sources=dict(policies.sources), stamps=dict(policies.stamps))
    src = slug(source)
    if access is None or access == PUBLIC:
        out.sources.pop(src, None)
    else:
        out.sources[src] = access
    out.stamps[f"source:{src}"] = Stamp(by, _now())
    return out


def with_record(policies: PolicySet, source: str, key: str, access: Access | None, by: str) -> PolicySet:
    """A copy with record ``key``'s own policy set (None: it follows its source again)."""
    out = replace(policies, records=dict(policies.records), stamps=dict(policies.stamps))
    if access is None:
        out.records.pop(key, None)
        out.stamps.pop(f"record:{key}", None)
    else:
        out.records[key] = (slug(source), access)
        out.stamps[f"record:{key}"] = Stamp(by, _now())
    return out


def with_lab(policies: PolicySet, source: str, lab: str) -> PolicySet:
    out = replace(policies, labs=dict(policies.labs))
    out.labs[slug(source)] = slug(lab)
    return out


def parse_access(level: str, groups: list[str] | tuple[str, ...] = (), until: str | None = None) -> Access:
    """An Access from what a form or the CLI gave (clear errors for a bad date or level)."""
    day = None
    if until:
        try:
            day = dt.date.fromisoformat(until.strip())
        except ValueError as exc:
            raise PolicyError(f"until {until!r}: not a date (YYYY-MM-DD)") from exc
    clean = tuple(sorted({slug(g) for g in groups if g and g.strip()}))
    return Access(level.strip().lower(), clean, day)
