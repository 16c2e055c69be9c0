"""Validate records in batches with pyshacl and split the results per record.

pySHACL is given a batch of record graphs at once (ARCHITECTURE.md: validate what changed, a
record or a batch at a time), never the whole corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.lifting.base import LiftedRecord
from kg.namespaces import BASE, CW, SH
from kg.report import Finding, Severity

SHAPES_DIR = Path(__file__).resolve().parents[2] / "shapes"
PROFILES = ("core.ttl", "recommended.ttl")
_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class RecordReport:
    """The validation outcome of one record: its findings, worst first."""

    key: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``Violation``, ``Warning``, ``Info`` or ``Conforms``: the worst severity found."""
        if not self.findings:
            return "Conforms"
        return min(self.findings, key=lambda f: _RANK[f.severity]).severity.value

    @property
    def conforms(self) -> bool:
        return all(f.severity is not Severity.VIOLATION for f in self.findings)


def _short(iri: str) -> str:
    for prefix, ns in (
        ("dcterms:", "http://purl.org/dc/terms/"),
        ("dcat:", "http://www.w3.org/ns/dcat#"),
        ("foaf:", "http://xmlns.com/foaf/0.1/"),
        ("vcard:", "http://www.w3.org/2006/vcard/ns#"),
    ):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return iri


class Validator:
    """Holds the shapes graph; validates batches of lifted records."""

    def __init__(self, shapes: Sequence[Path] | None = None) -> None:
        self.shapes = Graph()
        for path in shapes or [SHAPES_DIR / name for name in PROFILES]:
            self.shapes.parse(path, format="turtle")
        self.fix_hints = {
            str(s): str(o) for s, o in self.shapes.subject_objects(CW.fixHint)
        }
        self.labels = {str(s): str(o) for s, o in self.shapes.subject_objects(RDFS.label)}

    def validate(self, records: Sequence[LiftedRecord]) -> dict[str, RecordReport]:
        """Reports keyed by record key. Lift-time findings are included."""
        data = Graph()
        owner: dict[str, LiftedRecord] = {}
        for rec in records:
            for triple in rec.graph:
                data.add(triple)
            for subject in rec.graph.subjects(unique=True):
                owner.setdefault(str(subject), rec)
            owner[str(rec.dataset)] = rec
        reports = {rec.key: RecordReport(rec.key, list(rec.findings)) for rec in records}
        if not records:
            return reports
        _conforms, results_graph, _text = validate(
            data,
            shacl_graph=self.shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=False,
        )
        for result in results_graph.subjects(RDF.type, SH.ValidationResult):
            focus = results_graph.value(result, SH.focusNode)
            rec = owner.get(str(focus))
            if rec is None:
                continue
            path = results_graph.value(result, SH.resultPath)
            shape = results_graph.value(result, SH.sourceShape)
            component = results_graph.value(result, SH.sourceConstraintComponent)
            severity = Severity.from_iri(str(results_graph.value(result, SH.resultSeverity)))
            message = results_graph.value(result, SH.resultMessage)
            value = results_graph.value(result, SH.value)
            field_name = _short(str(path)) if isinstance(path, URIRef) else None
            text = str(message) if message else f"fails {_short(str(component))}"
            if value is not None and not isinstance(value, BNode):
                text += f" (value: {str(value)[:80]})"
            rule = str(shape) if isinstance(shape, URIRef) else (str(component) if component else None)
            reports[rec.key].findings.append(
                Finding(
                    severity=severity,
                    message=text,
                    record=rec.raw.local_id,
                    field=field_name,
                    rule=rule,
                    source_file=rec.raw.source_file,
                    fix=self.fix_hints.get(str(shape)) if shape is not None else None,
                    focus=str(focus),
                )
            )
        for report in reports.values():
            report.findings.sort(
                key=lambda f: (_RANK[f.severity], f.field or "", f.message, f.focus or "")
            )
        return reports


def report_graph(key: str, report: RecordReport, dataset: str) -> Graph:
    """The report as SHACL-vocabulary RDF with deterministic IRIs (no blank nodes)."""
    g = Graph()
    node = URIRef(f"{BASE}validation/{key}")
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(report.conforms)))
    g.add((node, CW.status, Literal(report.status)))
    g.add((node, CW.reportFor, URIRef(dataset)))
    for index, finding in enumerate(report.findings):
        r = URIRef(f"{BASE}validation/{key}/result/{index}")
        g.add((node, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, SH[finding.severity.value]))
        g.add((r, SH.focusNode, URIRef(finding.focus or dataset)))
        g.add((r, SH.resultMessage, Literal(finding.message)))
        if finding.field:
            g.add((r, CW.sourceField, Literal(finding.field)))
        if finding.rule:
            if finding.rule.startswith("http"):
                g.add((r, SH.sourceShape, URIRef(finding.rule)))
            else:
                g.add((r, CW.rule, Literal(finding.rule)))
        if finding.fix:
            g.add((r, CW.fixHint, Literal(finding.fix)))
    return g
