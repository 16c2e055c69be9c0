"""Per-source roll-up of the stored validation reports (`kg validate`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.namespaces import BASE, CW, SH, source_iri
from kg.store import GraphStore


@dataclass
class SourceSummary:
    source: str
    records: int = 0
    violation: int = 0
    warning: int = 0
    conforms: int = 0
    top_rules: list[tuple[tuple[str, str, str], int]] = field(default_factory=list)
    failing: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.source.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class ValidationSummary:
    sources: list[SourceSummary]


def summarise(store: GraphStore, *, source: str | None = None) -> ValidationSummary:
    src_filter = f"FILTER(?source = <{source_iri(source)}>)" if source else ""
    rows = store.select(
        f"""SELECT ?source ?key ?id ?file ?status WHERE {{
          GRAPH ?g {{ ?g <{CW.source}> ?source ; <{CW.recordKey}> ?key ; <{CW.localIdentifier}> ?id ; <{CW.sourceFile}> ?file }}
          {src_filter}
          BIND(IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?vg)
          OPTIONAL {{ GRAPH ?vg {{ ?rep <{CW.status}> ?status }} }} }}"""
    )
    by_source: dict[str, SourceSummary] = {}
    status_of: dict[str, str] = {}
    for r in rows:
        s = by_source.setdefault(r["source"], SourceSummary(r["source"]))
        s.records += 1
        status = r.get("status", "Unknown")
        status_of[r["key"]] = status
        if status == "Violation":
            s.violation += 1
        elif status == "Warning":
            s.warning += 1
        else:
            s.conforms += 1
    results = store.select(
        f"""SELECT ?source ?key ?id ?file ?severity ?field ?message WHERE {{
          GRAPH ?g {{ ?g <{CW.source}> ?source ; <{CW.recordKey}> ?key ; <{CW.localIdentifier}> ?id ; <{CW.sourceFile}> ?file }}
          {src_filter}
          BIND(IRI(CONCAT("{BASE}graph/validation/", ?key)) AS ?vg)
          GRAPH ?vg {{ ?rep <{SH.result}> ?r . ?r <{SH.resultSeverity}> ?severity ; <{SH.resultMessage}> ?message .
                      OPTIONAL {{ ?r <{CW.sourceField}> ?field }} }} }}"""
    )
    counters: dict[str, Counter] = {}
    for r in results:
        severity = r["severity"].rsplit("#", 1)[-1]
        counters.setdefault(r["source"], Counter())[(severity, r.get("field", ""), r["message"])] += 1
        if severity == "Violation":
            by_source[r["source"]].failing.append(
                {"id": r["id"], "file": r["file"], "field": r.get("field", ""), "message": r["message"]}
            )
    rank = {"Violation": 0, "Warning": 1, "Info": 2}
    for name, counter in counters.items():
        by_source[name].top_rules = sorted(counter.items(), key=lambda kv: (rank.get(kv[0][0], 3), -kv[1], kv[0]))
    for s in by_source.values():
        s.failing.sort(key=lambda f: (f["file"], f["id"]))
    return ValidationSummary(sorted(by_source.values(), key=lambda s: s.name))
