"""SHACL validation of lifted records with pyshacl: core profile (Violation) and recommended
profile (Warning), one ``ValidationReport`` per record, stored as RDF."""

from kg.validation.validator import RecordReport, Validator, report_graph, report_lines

__all__ = ["RecordReport", "Validator", "report_graph", "report_lines"]
