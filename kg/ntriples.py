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
# RFC 3987 section 2.2: the non-ASCII characters an IRI may hold (ucschar). Everything else that
# is not ASCII (controls U+0080-U+009F, surrogates, private use, non-characters) is forbidden.
_UCSCHAR = [(0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF)]
_UCSCHAR += [(plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 14)] + [(0xE1000, 0xEFFFD)]
_ASCII_BAD = r'[<>"{}|^`\\\x00-\x20\x7f\[\]]'  # ASCII that may not appear (RFC 3987 section 2.2)
_BAD_PERCENT = "%(?![0-9A-Fa-f]{2})"  # a percent sign that starts no percent-encoding
_ASCII_BAD_RE = re.compile(_ASCII_BAD)
_BAD_PERCENT_RE = re.compile(_BAD_PERCENT)
_IRI_BAD_RE = re.compile(
    _ASCII_BAD + "|[^\x00-\x7f" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _UCSCHAR) + "]|" + _BAD_PERCENT
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def _percent_encode(char: str) -> str:
    # A lone surrogate (JSON allows "\ud800") has no UTF-8 form; its bytes are kept as WTF-8.
    return "".join(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))


def safe_iri(text: str) -> str:
    """Percent-encode what RFC 3987 forbids in an IRI (``[`` and ``]`` are allowed only in the
    host, e.g. IPv6; a ``%`` must start a percent-encoding), so strict parsers (Oxigraph,
    pyrudof) accept every IRI we write."""
    if text.isascii():  # the common case, checked without the (slower) non-ASCII class
        if not _ASCII_BAD_RE.search(text) and ("%" not in text or not _BAD_PERCENT_RE.search(text)):
            return text
    elif not _IRI_BAD_RE.search(text):
        return text
    match = _AUTHORITY.match(text)
    head, rest = (match.group(0), text[match.end() :]) if match else ("", text)
    head = _IRI_BAD_RE.sub(lambda m: m.group(0) if m.group(0) in "[]" else _percent_encode(m.group(0)), head)
    return head + _IRI_BAD_RE.sub(lambda m: _percent_encode(m.group(0)), rest)


def _lexical(text: str) -> str:
    """A literal's text in N-Triples: escaped; a lone surrogate (not Unicode text) becomes U+FFFD."""
    if not text.isascii():
        text = _SURROGATE_RE.sub("\ufffd", text)
    return text.translate(_ESCAPES)


def term_nt(term: object) -> str:
    """One RDF term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{safe_iri(str(term))}>"
    if isinstance(term, Literal):
        lexical = _lexical(str(term))
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^<{safe_iri(str(term.datatype))}>'
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
    lexical = _lexical(text)
    return f'"{lexical}"^^<{safe_iri(datatype)}>' if datatype else f'"{lexical}"'


def parse_lines(lines: list[str]) -> list[tuple[object, object, object]]:
    """rdflib triples for N-Triples lines (the slow path, for tests and tools)."""
    return list(Graph().parse(data="\n".join(lines), format="nt"))
