"""Writers for SPARQL query results that stop at a row cap.

pyoxigraph's ``QuerySolutions.serialize`` writes every solution, so a capped result is written
here from the solutions that were kept. Each writer follows its spec:

* JSON: SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/)
* XML: SPARQL Query Results XML Format, 2nd ed. (https://www.w3.org/TR/rdf-sparql-XMLres/)
* CSV and TSV: SPARQL 1.1 Query Results CSV and TSV Formats
  (https://www.w3.org/TR/sparql11-results-csv-tsv/): CSV has plain values and CRLF line ends;
  TSV has ``?var`` headers and terms in Turtle/N-Triples syntax.

RDF 1.2 terms follow pyoxigraph's own writers: triple terms as ``{"type": "triple", ...}`` /
``<triple>`` / ``<<( s p o )>>``, base direction as ``its:dir``. ASK in CSV and TSV is the bare
word ``true`` or ``false`` (the specs define no boolean form; this is what pyoxigraph writes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
ITS = "http://www.w3.org/2005/11/its"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

# Turtle's abbreviated numeric and boolean forms (Turtle §2.5.2 / grammar [19]-[21]).
_ABBREVIATED = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _direction(lit: ox.Literal) -> str | None:
    """``ltr``/``rtl`` for an RDF 1.2 directional language string, else None."""
    direction = lit.direction
    return direction.value if direction is not None else None


def _is_plain(lit: ox.Literal) -> bool:
    return lit.datatype.value == XSD_STRING


# --- JSON ----------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if direction := _direction(term):
            out["its:dir"] = direction
    elif not _is_plain(term):
        out["datatype"] = term.datatype.value
    return out


def solutions_json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    bindings = [
        {var: _json_term(term) for var, term in zip(variables, row, strict=True) if term is not None} for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def boolean_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}, separators=(",", ":")).encode("utf-8")


# --- XML -----------------------------------------------------------------------------------

_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
)
# Characters XML 1.0 cannot carry at all are replaced rather than producing a bad document.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text).translate(_XML_ESCAPES)


def quoteattr(text: str) -> str:
    return '"' + _NOT_XML.sub("\ufffd", text).translate(_ATTR_ESCAPES) + '"'


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
        if direction := _direction(term):
            attrs += f' its:dir={quoteattr(direction)} xmlns:its="{ITS}" its:version="2.0"'
    elif not _is_plain(term):
        attrs = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attrs}>{_xml_text(term.value)}</literal>"


def solutions_xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for var, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def boolean_xml(value: bool) -> bytes:
    word = "true" if value else "false"
    return f"{_XML_HEAD}<head/><boolean>{word}</boolean></sparql>\n".encode()


# --- CSV -----------------------------------------------------------------------------------


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = tsv_term(term)  # CSV has no form for RDF 1.2 triple terms: write N-Triples-like
    else:
        text = term.value
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def solutions_csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = [",".join(variables)]  # VARNAME never holds a comma or a quote
    lines += [",".join(_csv_value(term) for term in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# --- TSV -----------------------------------------------------------------------------------

_ECHAR = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_string(text: str) -> str:
    return '"' + text.translate(_ECHAR) + '"'


def _tsv_iri(text: str) -> str:
    # IRIs from the store never hold these, but a tab or newline would break the row.
    return "<" + re.sub(r"[\t\r\n]", lambda m: f"\\u{ord(m.group()):04X}", text) + ">"


def tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _tsv_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        inner = " ".join(tsv_term(t) for t in (term.subject, term.predicate, term.object))
        return f"<<( {inner} )>>"
    if term.language:
        direction = _direction(term)
        return _tsv_string(term.value) + "@" + term.language + (f"--{direction}" if direction else "")
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return _tsv_string(term.value)
    pattern = _ABBREVIATED.get(datatype)
    if pattern is not None and pattern.fullmatch(term.value):
        return term.value
    return _tsv_string(term.value) + "^^" + _tsv_iri(datatype)


def solutions_tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(tsv_term(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def boolean_text(value: bool) -> bytes:
    return b"true" if value else b"false"


SOLUTION_WRITERS = {
    "json": solutions_json,
    "xml": solutions_xml,
    "csv": solutions_csv,
    "tsv": solutions_tsv,
}
BOOLEAN_WRITERS = {
    "json": boolean_json,
    "xml": boolean_xml,
    "csv": boolean_text,
    "tsv": boolean_text,
}
