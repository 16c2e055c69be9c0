"""Per-source quality roll-up of the stored validation reports (`kg validate`, `/source/<name>`).

Results are counted by rule and severity (the shape's property, or the lifter check), each with
an example of the source field it names; records are ranked worst first (most violations, then
most warnings), each with the source field and fix of its first problem.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.namespaces import BASE, CW, SH, source_iri
from kg.store import GraphStore

_SHORT = (
    ("dcterms:", "http://purl.org/dc/terms/"),
    ("dcat:", "http://www.w3.org/ns/dcat#"),
    ("foaf:", "http://xmlns.com/foaf/0.1/"),
    ("vcard:", "http://www.w3.org/2006/vcard/ns#"),
)
_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _short(iri: str) -> str:
    for prefix, ns in _SHORT:
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


@dataclass
class RuleCount:
    """How often one rule fails in a source, at one severity."""

    severity: str
    rule: str  # the RDF property checked (dcterms:title) or the lifter check (lift:datajson)
    message: str
    count: int
    example_field: str  # one source field the results name (JSON pointer, XPath, CSV column)
    fix: str = ""


@dataclass
class RecordQuality:
    key: str
    id: str
    file: str
    violations: int = 0
    warnings: int = 0
    infos: int = 0
    first_field: str = ""
    first_message: str = ""
    first_fix: str = ""


@dataclass
class SourceSummary:
    source: str
    records: int = 0
    violation: int = 0
    warning: int = 0
    conforms: int = 0
    rules: list[RuleCount] = field(default_factory=list)  # worst severity, then most frequent first
    worst: list[RecordQuality] = field(default_factory=list)  # records with problems, worst first

    @property
    def name(self) -> str:
        return self.source.rstrip("/").rsplit("/", 1)[-1]

    @property
    def failing(self) -> list[RecordQuality]:
        return [r for r in self.worst if r.violations]


@dataclass
class ValidationSummary:
    sources: list[SourceSummary]


def summarise(store: GraphStore, *, source: str | None = None) -> ValidationSummary:
    """The roll-up of every source (or of ``source``) from the stored reports."""
    src_filter = f"FILTER(?source = <{source_iri(source)}>)" if source else ""
    rows = store.select(
        f"""SELECT ?source ?key ?id ?file ?status WHERE {{
          GRAPH ?g {{ ?g <{CW.source}> ?source ; <{CW.recordKey}> ?key ; <{CW.localIdentifier}> ?id ; <{CW.sourceFile}> ?file }}
          {src_filter}
          BIND(IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?vg)
          OPTIONAL {{ GRAPH ?vg {{ ?rep <{CW.status}> ?status }} }} }}"""
    )
    by_source: dict[str, SourceSummary] = {}
    records: dict[str, RecordQuality] = {}
    source_of: dict[str, str] = {}
    for r in rows:
        s = by_source.setdefault(r["source"], SourceSummary(r["source"]))
        s.records += 1
        status = r.get("status", "Unknown")
        if status == "Violation":
            s.violation += 1
        elif status == "Warning":
            s.warning += 1
        else:
            s.conforms += 1
        records[r["key"]] = RecordQuality(r["key"], r["id"], r["file"])
        source_of[r["key"]] = r["source"]
    results = store.select(
        f"""SELECT ?source ?key ?r ?severity ?field ?message ?path ?rule ?fix WHERE {{
          GRAPH ?g {{ ?g <{CW.source}> ?source ; <{CW.recordKey}> ?key }}
          {src_filter}
          BIND(IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?vg)
          GRAPH ?vg {{ ?rep <{SH.result}> ?r . ?r <{SH.resultSeverity}> ?severity ; <{SH.resultMessage}> ?message .
                      OPTIONAL {{ ?r <{CW.sourceField}> ?field }} OPTIONAL {{ ?r <{SH.resultPath}> ?path }}
                      OPTIONAL {{ ?r <{CW.rule}> ?rule }} OPTIONAL {{ ?r <{CW.fixHint}> ?fix }} }} }}
          ORDER BY ?key ?r"""
    )
    counts: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple[str, tuple[str, str, str]], tuple[str, str]] = {}
    firsts: dict[str, tuple[int, str, str, str]] = {}
    for r in results:
        severity = r["severity"].rsplit("#", 1)[-1]
        rule = _short(r["path"]) if r.get("path") else r.get("rule") or r.get("field", "")
        key = (severity, rule, r["message"])
        counts[r["source"]][key] += 1
        examples.setdefault((r["source"], key), (r.get("field", ""), r.get("fix", "")))
        rec = records.get(r["key"])
        if rec is None:
            continue
        if severity == "Violation":
            rec.violations += 1
        elif severity == "Warning":
            rec.warnings += 1
        else:
            rec.infos += 1
        rank = _RANK.get(severity, 3)
        if r["key"] not in firsts or rank < firsts[r["key"]][0]:
            firsts[r["key"]] = (rank, r.get("field", ""), r["message"], r.get("fix", ""))
    for name, counter in counts.items():
        by_source[name].rules = [
            RuleCount(sev, rule, message, n, *examples[(name, (sev, rule, message))])
            for (sev, rule, message), n in sorted(
                counter.items(), key=lambda kv: (_RANK.get(kv[0][0], 3), -kv[1], kv[0])
            )
        ]
    for key, (_rank, fld, message, fix) in firsts.items():
        rec = records[key]
        rec.first_field, rec.first_message, rec.first_fix = fld, message, fix
    for key, rec in records.items():
        if rec.violations or rec.warnings or rec.infos:
            by_source[source_of[key]].worst.append(rec)
    for s in by_source.values():
        s.worst.sort(key=lambda q: (-q.violations, -q.warnings, -q.infos, q.file, q.id))
    return ValidationSummary(sorted(by_source.values(), key=lambda s: s.name))


__all__ = ["RecordQuality", "RuleCount", "SourceSummary", "ValidationSummary", "summarise"]
