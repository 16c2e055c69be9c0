"""N-Triples text for rdflib graphs, and the canonical hash of a graph.

Written here (not rdflib's serializer) because record graphs are serialised on every ingest and
go straight into a SPARQL ``INSERT DATA``; graphs Crosswalk builds have no blank nodes, so
sorted N-Triples lines are a canonical form (RDF 1.1 N-Triples, section 2).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_IRI_BAD = set('<>"{}|^`\\ \n\r\t[]')
_IRI_BAD_RE = re.compile(r'[<>"{}|^`\\ \n\r\t\[\]]')
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def safe_iri(text: str) -> str:
    """Percent-encode what RFC 3987 forbids in an IRI (``[`` and ``]`` are allowed only in the
    host, e.g. IPv6), so strict parsers (Oxigraph, pyrudof) accept every IRI we write."""
    if not _IRI_BAD_RE.search(text):
        return text
    match = _AUTHORITY.match(text)
    head, rest = (match.group(0), text[match.end() :]) if match else ("", text)
    head = "".join(f"%{ord(c):02X}" if c in _IRI_BAD and c not in "[]" else c for c in head)
    return head + "".join(f"%{ord(c):02X}" if c in _IRI_BAD else c for c in rest)


def term_nt(term: object) -> str:
    """One RDF term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{safe_iri(str(term))}>"
    if isinstance(term, Literal):
        lexical = str(term).translate(_ESCAPES)
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def nt_lines(triples: Iterable[tuple[object, object, object]]) -> list[str]:
    """Sorted, de-duplicated N-Triples lines."""
    return sorted({f"{term_nt(s)} {term_nt(p)} {term_nt(o)} ." for s, p, o in triples})


def graph_hash(lines: list[str]) -> str:
    """sha256 of sorted N-Triples lines (the record's canonical content hash)."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def graph_from_nt(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")


def iri_nt(iri: str) -> str:
    """An IRI given as text, in N-Triples syntax."""
    return f"<{safe_iri(iri)}>"


def lit_nt(text: str, datatype: str | None = None) -> str:
    """A literal given as text (plain string, or with a datatype IRI), in N-Triples syntax."""
    lexical = text.translate(_ESCAPES)
    return f'"{lexical}"^^<{datatype}>' if datatype else f'"{lexical}"'


def parse_lines(lines: list[str]) -> list[tuple[object, object, object]]:
    """rdflib triples for N-Triples lines (the slow path, for tests and tools)."""
    return list(Graph().parse(data="\n".join(lines), format="nt"))
