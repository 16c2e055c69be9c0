"""SSSOM TSV mapping sets: read, check, write (https://mapping-commons.github.io/sssom/).

A mapping set file is a YAML metadata block (each line starting with ``#``) followed by a
tab-separated table with one mapping per row. Crosswalk's sets map a lab's own terms (keywords,
themes, instrument names) to concepts of the shipped schemes:

* subjects are minted IRIs ``{base}term/{source}/{slug(label)}`` (``cwterm:`` CURIEs), so the
  same words in two labs are two subjects; ``subject_label`` is the lab's term as written;
* objects are concept IRIs (GCMD KMS, the team's schemes), written as CURIEs;
* a machine proposal carries its ``mapping_justification`` (``semapv:LexicalMatching``,
  ``semapv:SemanticSimilarityThresholdMatching``), ``confidence`` and ``similarity_score``;
* a curator's decision adds ``reviewer_id``, ``reviewer_label``, ``review_date``, ``comment``
  and ``reviewer_agreement`` (1.0 accepted, -1.0 rejected); a mapping a curator wrote or
  edited has ``semapv:ManualMappingCuration`` and the curator as ``author_id``.

So one row's state is a function of its columns (:attr:`Mapping.status`): proposed, accepted
or rejected. Only accepted mappings are applied to datasets; a rejected pair is never proposed
again. Reading is strict: any problem raises :class:`MappingSetError` naming the file, the line
and the column. Writing is deterministic (rows sorted, fixed column order), so the same set
always has the same bytes and its sha256 identifies a version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from kg.namespaces import BASE, slug

SSSOM_VERSION = "1.1"
SEMAPV = "https://w3id.org/semapv/vocab/"
LEXICAL = "semapv:LexicalMatching"
SEMANTIC = "semapv:SemanticSimilarityThresholdMatching"
MANUAL = "semapv:ManualMappingCuration"
JUSTIFICATIONS = {LEXICAL, SEMANTIC, MANUAL, "semapv:MappingReview", "semapv:UnspecifiedMatching",
                  "semapv:MappingChaining"}  # fmt: skip
PREDICATES = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}

COLUMNS = (
    "record_id", "subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
    "object_label", "mapping_justification", "confidence", "similarity_score", "similarity_measure",
    "mapping_tool", "author_id", "author_label", "mapping_date", "reviewer_id", "reviewer_label",
    "reviewer_agreement", "review_date", "subject_source", "object_source", "comment",
)  # fmt: skip
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")


def curie_map() -> dict[str, str]:
    """The prefixes every Crosswalk mapping set declares (following ``KG_BASE_IRI``)."""
    return {
        "cwterm": f"{BASE}term/",
        "cwconcept": f"{BASE}concept/",
        "cwsource": f"{BASE}source/",
        "cwuser": f"{BASE}user/",
        "cwmap": f"{BASE}mapping/",
        "gcmd": "https://gcmd.earthdata.nasa.gov/kms/concept/",
        "orcid": "https://orcid.org/",
        "semapv": SEMAPV,
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    }


class MappingSetError(ValueError):
    """A mapping set that cannot be read or is not valid, with where the problem is."""

    def __init__(self, path: str, message: str, *, line: int | None = None, column: str | None = None) -> None:
        where = path + (f", line {line}" if line else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.column = path, line, column


@dataclass(frozen=True)
class Mapping:
    """One SSSOM row. Identifiers are full IRIs in memory and CURIEs in the file."""

    subject_id: str
    predicate_id: str
    object_id: str
    mapping_justification: str
    subject_label: str = ""
    predicate_modifier: str = ""
    object_label: str = ""
    confidence: float | None = None
    similarity_score: float | None = None
    similarity_measure: str = ""
    mapping_tool: str = ""
    author_id: str = ""
    author_label: str = ""
    mapping_date: str = ""
    reviewer_id: str = ""
    reviewer_label: str = ""
    reviewer_agreement: float | None = None
    review_date: str = ""
    subject_source: str = ""
    object_source: str = ""
    comment: str = ""
    record_id: str = ""

    @property
    def status(self) -> str:
        """``rejected`` (a reviewer disagreed, or a negated mapping), ``accepted`` (a reviewer
        agreed, or a curator wrote it) or ``proposed`` (a machine's, not reviewed yet)."""
        if self.predicate_modifier == "Not" or (self.reviewer_agreement is not None and self.reviewer_agreement < 0):
            return "rejected"
        if (self.reviewer_agreement is not None and self.reviewer_agreement > 0) or self.mapping_justification == MANUAL:
            return "accepted"
        return "proposed"

    @property
    def pair(self) -> tuple[str, str]:
        return (self.subject_id, self.object_id)

    def with_id(self) -> Mapping:
        return self if self.record_id else replace(self, record_id=mapping_record_id(self.subject_id, self.object_id))


def mapping_record_id(subject_id: str, object_id: str) -> str:
    """A stable id for a (term, concept) pair: the row a decision is about."""
    return f"{BASE}mapping/" + hashlib.sha256(f"{subject_id}\x1f{object_id}".encode()).hexdigest()[:16]


def normalise_term(label: str) -> str:
    """A term as matching compares it: NFKC, case-folded, ``&`` as "and", punctuation and
    runs of spaces as one space. ``Sea-Ice`` and ``sea ice`` are the same term."""
    text = unicodedata.normalize("NFKC", label).casefold().replace("&", " and ").replace("_", " ")
    text = re.sub(r"[^\w\s>]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def term_iri(source: str, label: str) -> str:
    """The subject IRI of a lab's term: ``{base}term/{source}/{slug}``; terms that normalise
    alike share it. A term with letters a slug cannot hold (non-ASCII) gets a hash suffix."""
    norm = normalise_term(label)
    key = slug(norm)
    if not norm.isascii() or key == "unnamed":
        key = f"{key}-{hashlib.sha256(norm.encode('utf-8')).hexdigest()[:10]}"
    return f"{BASE}term/{slug(source)}/{key}"


@dataclass
class MappingSet:
    """A mapping set: its metadata (``mapping_set_id``, version, licence, ...) and its rows."""

    metadata: dict[str, object]
    mappings: list[Mapping] = field(default_factory=list)
    path: Path | None = None

    @property
    def id(self) -> str:
        return str(self.metadata.get("mapping_set_id", ""))

    @property
    def version(self) -> str:
        return str(self.metadata.get("mapping_set_version", ""))

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1]

    @property
    def source(self) -> str | None:
        """The source (lab) whose terms the set maps, from ``subject_source`` ``cwsource:{name}``."""
        value = str(self.metadata.get("subject_source") or "")
        prefix = f"{BASE}source/"
        return value[len(prefix) :] if value.startswith(prefix) else None

    def accepted(self) -> list[Mapping]:
        return [m for m in self.mappings if m.status == "accepted"]

    def by_status(self, status: str) -> list[Mapping]:
        return [m for m in self.mappings if m.status == status]

    def digest(self) -> str:
        return hashlib.sha256(to_tsv(self).encode("utf-8")).hexdigest()


# --- CURIEs ---------------------------------------------------------------------------------


def _contract(iri: str, prefixes: dict[str, str]) -> str:
    if not iri:
        return ""
    best = max((p for p, ns in prefixes.items() if iri.startswith(ns)), key=lambda p: len(prefixes[p]), default=None)
    if best is None:
        return iri
    return f"{best}:{iri[len(prefixes[best]):]}"


_CURIE = re.compile(r"^([A-Za-z_][\w.-]*):(\S*)$")


def _expand(value: str, prefixes: dict[str, str], path: str, line: int, column: str) -> str:
    if not value or value.startswith(("http://", "https://", "urn:")):
        return value
    match = _CURIE.match(value)
    if not match or match.group(1) not in prefixes:
        raise MappingSetError(path, f"{value!r} is not a CURIE with a prefix of the curie_map", line=line, column=column)
    return prefixes[match.group(1)] + match.group(2)


# --- reading ----------------------------------------------------------------------------------

_ID_COLUMNS = ("subject_id", "predicate_id", "object_id", "author_id", "reviewer_id", "subject_source",
               "object_source", "record_id")  # fmt: skip
_FLOAT_COLUMNS = ("confidence", "similarity_score", "reviewer_agreement")
_SET_LEVEL = ("subject_source", "object_source", "mapping_tool", "mapping_date", "author_id")


def read_sssom(path: Path | str) -> MappingSet:
    """Read and check one SSSOM TSV file. Raises MappingSetError naming the line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingSetError(str(path), f"cannot be read: {exc}") from exc
    return parse_sssom(text, name=str(path), path=path)


def parse_sssom(text: str, *, name: str = "<mapping set>", path: Path | None = None) -> MappingSet:
    lines = text.splitlines()
    header = [line[1:] for line in lines if line.startswith("#")]
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if any(line.startswith("#") for line in lines[body_start:]):
        raise MappingSetError(name, "metadata lines (#) must all come before the table")
    try:
        metadata = yaml.safe_load("\n".join(header)) if header else {}
    except yaml.YAMLError as exc:
        raise MappingSetError(name, f"the metadata block is not valid YAML: {exc}") from exc
    if not isinstance(metadata, dict):
        raise MappingSetError(name, "the metadata block must be a YAML mapping")
    for key in ("mapping_set_id", "license", "curie_map"):
        if not metadata.get(key):
            raise MappingSetError(name, f"the metadata must give {key}", line=1)
    prefixes = metadata["curie_map"]
    if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
        raise MappingSetError(name, "curie_map must map prefixes to IRIs", line=1)
    meta = dict(metadata)
    for key in ("mapping_set_id", "subject_source", "object_source", "license"):
        if isinstance(meta.get(key), str):
            meta[key] = _expand(str(meta[key]), prefixes, name, 1, key)
    reader = csv.DictReader(io.StringIO("\n".join(lines[body_start:])), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = reader.fieldnames or []
    known = {f.name for f in fields(Mapping)}
    for column in columns:
        if column not in known:
            raise MappingSetError(name, f"unknown column {column!r}", line=body_start + 1, column=column)
    for column in REQUIRED:
        if columns and column not in columns:
            raise MappingSetError(name, "required column is missing", line=body_start + 1, column=column)
    mappings: list[Mapping] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, row in enumerate(reader):
        line = body_start + 2 + offset
        if None in row:
            raise MappingSetError(name, "the row has more cells than the header", line=line)
        values: dict[str, object] = {}
        for column in columns:
            cell = (row.get(column) or "").strip()
            if column in _ID_COLUMNS:
                values[column] = _expand(cell, prefixes, name, line, column)
            elif column in _FLOAT_COLUMNS:
                values[column] = _float(cell, name, line, column)
            else:
                values[column] = cell
        for column in _SET_LEVEL:  # set-level slots propagate to rows that leave them empty
            if not values.get(column) and meta.get(column):
                values[column] = str(meta[column])
        for column in REQUIRED:
            if not values.get(column):
                raise MappingSetError(name, "a value is required", line=line, column=column)
        predicate = _contract(str(values["predicate_id"]), curie_map())
        if predicate not in PREDICATES:
            raise MappingSetError(name, f"predicate {predicate!r} is not one of {sorted(PREDICATES)}", line=line,
                                  column="predicate_id")  # fmt: skip
        if values.get("predicate_modifier", "") not in ("", "Not"):
            raise MappingSetError(name, "predicate_modifier may only be Not", line=line, column="predicate_modifier")
        justification = _contract(str(values["mapping_justification"]), {"semapv": SEMAPV})
        if justification not in JUSTIFICATIONS:
            raise MappingSetError(name, f"{justification!r} is not a semapv justification", line=line,
                                  column="mapping_justification")  # fmt: skip
        values["mapping_justification"] = justification
        values["predicate_id"] = predicate
        for column in ("confidence",):
            value = values.get(column)
            if isinstance(value, float) and not 0.0 <= value <= 1.0:
                raise MappingSetError(name, "must be between 0 and 1", line=line, column=column)
        agreement = values.get("reviewer_agreement")
        if isinstance(agreement, float) and not -1.0 <= agreement <= 1.0:
            raise MappingSetError(name, "must be between -1 and 1", line=line, column="reviewer_agreement")
        mapping = Mapping(**values).with_id()  # type: ignore[arg-type]
        if mapping.pair in seen:
            raise MappingSetError(
                name, f"the same subject and object are on line {seen[mapping.pair]} already", line=line
            )
        seen[mapping.pair] = line
        mappings.append(mapping)
    return MappingSet(meta, mappings, path)


def _float(cell: str, name: str, line: int, column: str) -> float | None:
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        raise MappingSetError(name, f"{cell!r} is not a number", line=line, column=column) from None


# --- writing ----------------------------------------------------------------------------------


def to_tsv(mapping_set: MappingSet) -> str:
    """The set as SSSOM TSV: metadata block, then rows sorted by subject, object."""
    prefixes = curie_map()
    meta = {k: v for k, v in mapping_set.metadata.items() if k != "curie_map" and v not in (None, "")}
    for key in ("mapping_set_id", "subject_source", "object_source"):
        if isinstance(meta.get(key), str):
            meta[key] = _contract(str(meta[key]), prefixes)
    meta.setdefault("sssom_version", SSSOM_VERSION)
    ordered = {"curie_map": prefixes}
    for key in sorted(meta):
        ordered[key] = meta[key]
    header = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    for line in header.splitlines():
        out.write("#" + line + "\n")
    set_level = {c: str(mapping_set.metadata.get(c) or "") for c in _SET_LEVEL}

    def row_value(m: Mapping, column: str) -> object:
        value = getattr(m, column)
        # a row's value equal to the set-level one was propagated from it: write it once, above
        return "" if column in set_level and set_level[column] and str(value) == set_level[column] else value

    used = [c for c in COLUMNS if c in REQUIRED or any(row_value(m, c) not in ("", None) for m in mapping_set.mappings)]
    out.write("\t".join(used) + "\n")
    for m in sorted(mapping_set.mappings, key=lambda m: (m.subject_id, m.object_id, m.predicate_id)):
        cells = []
        for column in used:
            value = row_value(m.with_id(), column)
            if column in _ID_COLUMNS:
                value = _contract(str(value), prefixes)
            elif isinstance(value, float):
                value = f"{value:.4g}"
            elif value is None:
                value = ""
            cells.append(_cell(str(value)))
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


def _cell(text: str) -> str:
    """A TSV cell: tabs and line breaks become spaces (SSSOM TSV has no quoting)."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def write_sssom(mapping_set: MappingSet, path: Path | str) -> Path:
    """Write the set atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(to_tsv(mapping_set), encoding="utf-8")
    tmp.replace(path)
    mapping_set.path = path
    return path
