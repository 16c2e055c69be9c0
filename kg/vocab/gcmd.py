"""GCMD Science Keywords (the KMS CSV export) → a SKOS concept scheme in Turtle.

    python -m kg.vocab.gcmd --csv ../shared/corpus/nasa-cmr-ummc-gcmd/sciencekeywords.csv \\
        --out ontologies/schemes/gcmd-science-keywords.ttl

The CSV starts with one line of metadata (``"Keyword Version: 9.1.5","Revision: …","Timestamp:
…","Terms Of Use: …",…``), then the header ``Category,Topic,Term,Variable_Level_1,
Variable_Level_2,Variable_Level_3,Detailed_Variable,UUID``; each row is one keyword, its path the
non-empty levels from the left, its UUID the KMS concept's.

Every row becomes a ``skos:Concept``, and so does every path prefix (a level that has no row of
its own still gets a concept, so the hierarchy is never broken):

* IRI: ``https://gcmd.earthdata.nasa.gov/kms/concept/{uuid}`` (the KMS concept IRI, stable across
  keyword versions and renames) when the row has a UUID; a prefix without a row gets the IRI the
  UMM-C lifter mints for a path, ``https://w3id.org/crosswalk/concept/gcmd/sciencekeywords/
  {slug}/{slug}/…`` (:func:`path_iri`), so the two agree wherever no UUID is known.
* ``skos:prefLabel`` the full path (``EARTH SCIENCE > ATMOSPHERE > …``, unique in the scheme) and
  ``skos:altLabel`` the level's own label, as the UMM-C lifter labels its concepts;
  ``skos:notation`` the UUID; ``skos:inScheme`` the KMS scheme IRI; ``skos:broader`` the parent
  path and ``skos:narrower`` every child; categories are ``skos:topConceptOf`` the scheme.
* The scheme records the keyword version (``owl:versionInfo``), the revision date
  (``dcterms:modified``), the terms of use, and the sha256 of the CSV it was made from.

Output is deterministic: concepts sorted by path, objects sorted, no blank nodes, no clock.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg.vocab import CONCEPT_BASE, SCHEMES_DIR
from kg.vocab.turtle import write

KMS_CONCEPT = "https://gcmd.earthdata.nasa.gov/kms/concept/"
SCHEME = URIRef("https://gcmd.earthdata.nasa.gov/kms/concepts/concept_scheme/sciencekeywords")
PATH_BASE = CONCEPT_BASE + "gcmd/sciencekeywords"  # the UMM-C lifter's GCMD_SCHEME at the default base
LEVELS = ("Category", "Topic", "Term", "Variable_Level_1", "Variable_Level_2", "Variable_Level_3", "Detailed_Variable")
DEFAULT_OUT = SCHEMES_DIR / "gcmd-science-keywords.ttl"
CSV_URL = URIRef("https://gcmd.earthdata.nasa.gov/kms/concepts/concept_scheme/sciencekeywords/?format=csv")

PREFIXES = {
    "gcmd": KMS_CONCEPT,
    "gcmdpath": PATH_BASE + "/",
    "kms": "https://gcmd.earthdata.nasa.gov/kms/concepts/concept_scheme/",
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


def slug(text: str) -> str:
    """The slug the UMM-C lifter uses (``kg.namespaces.slug``), repeated so the IRIs agree."""
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-").lower()
    return value or "unnamed"


def path_iri(path: Sequence[str]) -> URIRef:
    """The IRI the UMM-C lifter mints for a keyword path (at the default ``KG_BASE_IRI``)."""
    return URIRef(PATH_BASE + "/" + "/".join(slug(p) for p in path))


def kms_iri(uuid: str) -> URIRef:
    return URIRef(KMS_CONCEPT + uuid)


@dataclass(frozen=True)
class Keywords:
    """The parsed CSV: the metadata line's fields and every path with its UUID (or None)."""

    metadata: dict[str, str]
    paths: dict[tuple[str, ...], str | None]
    rows: int
    sha256: str

    @property
    def version(self) -> str | None:
        return self.metadata.get("Keyword Version")

    @property
    def revision(self) -> str | None:
        return self.metadata.get("Revision")

    def iri(self, path: tuple[str, ...]) -> URIRef:
        uuid = self.paths.get(path)
        return kms_iri(uuid) if uuid else path_iri(path)


def read_csv(data: bytes) -> Keywords:
    """Parse the KMS CSV export. A gap in a path, a repeated path or a repeated UUID is an error
    naming the line."""
    text = data.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    if not lines:
        raise ValueError("empty GCMD keywords CSV")
    metadata: dict[str, str] = {}
    start = 0
    if not lines[0].lstrip('"').startswith("Category"):
        start = 1
        for field in next(csv.reader([lines[0]])):
            key, sep, value = field.partition(": ")
            if sep:
                metadata[key.strip()] = value.strip()
    reader = csv.reader(io.StringIO("".join(lines[start:])))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header[: len(LEVELS)]) != LEVELS or "UUID" not in header:
        raise ValueError(f"line {start + 1}: expected the header {','.join(LEVELS)},UUID, got {header}")
    uuid_col = header.index("UUID")
    paths: dict[tuple[str, ...], str | None] = {}
    seen_uuid: dict[str, int] = {}
    rows = 0
    for lineno, row in enumerate(reader, start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        levels = [cell.strip() for cell in row[: len(LEVELS)]]
        while levels and not levels[-1]:
            levels.pop()
        if not levels:
            raise ValueError(f"line {lineno}: a row without a Category")
        if "" in levels:
            gap = LEVELS[levels.index("")]
            raise ValueError(f"line {lineno}: {gap} is empty but a deeper level is given")
        path = tuple(levels)
        uuid = row[uuid_col].strip().lower() if uuid_col < len(row) and row[uuid_col].strip() else None
        if path in paths and paths[path] is not None:
            raise ValueError(f"line {lineno}: the path {' > '.join(path)} is given twice")
        if uuid:
            if uuid in seen_uuid:
                raise ValueError(f"line {lineno}: UUID {uuid} is also on line {seen_uuid[uuid]}")
            seen_uuid[uuid] = lineno
        paths[path] = uuid
    for path in list(paths):
        for depth in range(1, len(path)):
            paths.setdefault(path[:depth], None)
    return Keywords(metadata, paths, rows, hashlib.sha256(data).hexdigest())


def to_turtle(keywords: Keywords, source_name: str = "sciencekeywords.csv") -> str:
    """The scheme as Turtle text (deterministic for the same CSV bytes)."""
    ordered = sorted(keywords.paths)
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in ordered:
        if len(path) > 1:
            children.setdefault(path[:-1], []).append(path)
    tops = [p for p in ordered if len(p) == 1]
    minted = sum(1 for p in ordered if keywords.paths[p] is None)
    meta = keywords.metadata
    history = (
        f"Converted by kg.vocab.gcmd from {source_name} (sha256 {keywords.sha256}): "
        f"{keywords.rows} rows, {len(ordered)} concepts ({minted} minted for levels without a row of their own)."
        + "".join(f" {k}: {meta[k]}." for k in ("Keyword Version", "Revision", "Timestamp") if k in meta)
    )
    scheme_props = [
        (RDF.type, [SKOS.ConceptScheme]),
        (DCTERMS.title, [Literal("GCMD Science Keywords")]),
        (RDFS.comment, [Literal(
            "NASA's Global Change Master Directory (GCMD) Science Keywords: Category > Topic > Term > "
            "Variable_Level_1..3 > Detailed_Variable. Concept IRIs are the KMS concept IRIs "
            f"({KMS_CONCEPT}{{uuid}}); skos:prefLabel is the full keyword path, skos:altLabel the level's "
            "own label, skos:notation the KMS UUID."
        )]),
        (OWL.versionInfo, [Literal(keywords.version)] if keywords.version else []),
        (DCTERMS.modified, [_date(keywords.revision)] if keywords.revision else []),
        (DCTERMS.publisher, [Literal("NASA Earth Science Data and Information System (ESDIS), GCMD")]),
        (DCTERMS.rights, [Literal("GCMD Keywords: NASA Earthdata terms of use (see dcterms:license).")]),
        (DCTERMS.license, [URIRef(meta["Terms Of Use"])] if meta.get("Terms Of Use", "").startswith("http") else []),
        (DCTERMS.source, [CSV_URL]),
        (SKOS.historyNote, [Literal(history)]),
        (SKOS.hasTopConcept, [keywords.iri(p) for p in tops]),
    ]
    subjects: list[tuple[URIRef, list]] = [(SCHEME, scheme_props)]
    for path in ordered:
        uuid = keywords.paths[path]
        props = [
            (RDF.type, [SKOS.Concept]),
            (SKOS.prefLabel, [Literal(" > ".join(path))]),
            (SKOS.altLabel, [Literal(path[-1])] if len(path) > 1 else []),  # SKOS S13: never pref and alt
            (SKOS.notation, [Literal(uuid)] if uuid else []),
            (SKOS.inScheme, [SCHEME]),
            (SKOS.topConceptOf, [SCHEME] if len(path) == 1 else []),
            (SKOS.broader, [keywords.iri(path[:-1])] if len(path) > 1 else []),
            (SKOS.narrower, [keywords.iri(c) for c in children.get(path, [])]),
        ]
        subjects.append((keywords.iri(path), props))
    header = (
        "GCMD Science Keywords as a SKOS concept scheme. GENERATED: do not edit by hand.\n"
        f"Regenerate: python -m kg.vocab.gcmd --csv {source_name} --out ontologies/schemes/gcmd-science-keywords.ttl\n"
        f"Source: {source_name} (sha256 {keywords.sha256}), Keyword Version {keywords.version or 'unknown'}."
    )
    return write(PREFIXES, subjects, header=header)


def _date(revision: str) -> Literal:
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", revision)
    return Literal(match.group(1), datatype=XSD.date) if match else Literal(revision)


def convert(csv_path: Path, out_path: Path) -> Keywords:
    data = csv_path.read_bytes()
    keywords = read_csv(data)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(to_turtle(keywords, csv_path.name).encode("utf-8"))
    return keywords


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.vocab.gcmd", description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", required=True, type=Path, help="the KMS CSV export (sciencekeywords.csv)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"Turtle file to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        keywords = convert(args.csv, args.out)
    except (OSError, ValueError) as exc:
        print(f"error: {args.csv}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(keywords.paths)} concepts from {keywords.rows} rows (Keyword Version {keywords.version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
