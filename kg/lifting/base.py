"""The Lifter contract: one class per source format (STYLE.md, ckanext-dcat profiles).

A lifter turns one input (a file's bytes) into raw records (``split``) and each raw record into
an RDF graph in DCAT 3 / DCTERMS / PROV-O / vCard terms (``lift``). Fields it does not map are
kept under the ``SRC`` source namespace, never dropped. Sub-nodes (distributions, contacts,
agents) get deterministic IRIs under the record's dataset IRI, never blank nodes, so the same
input always gives the same graph.
"""

from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import LiftError
from kg.formats import SourceFormat
from kg.namespaces import BASE, SRC, dataset_iri, normalize_doi, record_key
from kg.report import Finding, Severity


@dataclass(frozen=True)
class RawRecord:
    """One record as it came from its input: its exact bytes and where it sits in the input."""

    data: bytes
    local_id: str  # the record's own identifier, or "#<position>" when it has none
    pointer: str  # JSON pointer or XPath of the record inside its input file
    source_file: str
    media_type: str = "application/json"
    parsed: object = field(default=None, compare=False, repr=False)  # parser output, if kept

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class LiftedRecord:
    """A lifted record: the dataset's graph plus what the pipeline needs to store and link it."""

    raw: RawRecord
    source: str
    key: str
    dataset: URIRef
    graph: Graph
    lifter: str
    lifter_version: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def doi(self) -> str | None:
        return normalize_doi(str(self.dataset))


class Lifter(abc.ABC):
    """Base of every format's lifter. Subclasses set ``format`` and ``version``."""

    format: SourceFormat
    version: str = "1"

    @abc.abstractmethod
    def detect(self, data: bytes, filename: str) -> float:
        """Confidence (0..1) that ``data`` is this format; 0 when it is surely not."""

    @abc.abstractmethod
    def split(self, data: bytes, *, source_file: str) -> Iterator[RawRecord | LiftError]:
        """The raw records in one input. A record that cannot even be cut out is a LiftError.

        Raises LiftError when the whole input is unreadable (not JSON, not XML, wrong root).
        """

    @abc.abstractmethod
    def lift(self, raw: RawRecord, *, source: str) -> LiftedRecord:
        """The record's graph. Raises LiftError when the record cannot be lifted at all."""

    # --- helpers shared by lifters -------------------------------------------------------

    def new_record(self, raw: RawRecord, *, source: str, doi: str | None) -> LiftedRecord:
        key = record_key(source, raw.local_id)
        iri = URIRef(dataset_iri(source, raw.local_id, doi))
        return LiftedRecord(
            raw=raw,
            source=source,
            key=key,
            dataset=iri,
            graph=Graph(),
            lifter=self.format.name,
            lifter_version=self.version,
        )

    @staticmethod
    def node(record: LiftedRecord, kind: str, index: int | str) -> URIRef:
        """A deterministic IRI for a sub-node (distribution, contact, agent ...) of a record."""
        return URIRef(f"{BASE}dataset/{record.key}/{kind}/{index}")

    @staticmethod
    def warn(
        record: LiftedRecord,
        field_name: str,
        message: str,
        *,
        fix: str | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        record.findings.append(
            Finding(
                severity=severity,
                message=message,
                record=record.raw.local_id,
                field=field_name,
                rule=f"lift:{record.lifter}",
                source_file=record.raw.source_file,
                fix=fix,
                focus=str(record.dataset),
            )
        )

    @staticmethod
    def keep_unmapped(record: LiftedRecord, subject: URIRef, name: str, value: object) -> None:
        """Keep a source field we do not map yet, as JSON text under the source namespace."""
        if value is None:
            return
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, sort_keys=True, ensure_ascii=False)
        record.graph.add((subject, SRC[record.lifter + "/" + name], Literal(text)))


def json_pointer_escape(token: str) -> str:
    """RFC 6901 section 4 escaping of one reference token."""
    return token.replace("~", "~0").replace("/", "~1")


DATE_DATATYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
