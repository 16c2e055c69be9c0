"""Reading untrusted XML: no entity expansion, no DTDs, no network (shared by the XML lifters).

Entity declarations and external DTDs are refused before parsing (and again after, for
encodings the byte scan cannot read), so billion-laughs and external-entity documents end in a
LiftError naming the file and nothing is ever fetched.
"""

from __future__ import annotations

import re

from lxml import etree

from kg.errors import LiftError


def _xml_parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, no huge trees: nothing is fetched.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


_FIRST_ELEMENT_RE = re.compile(rb"<[A-Za-z_]")
_EXTERNAL_DOCTYPE_RE = re.compile(rb"<!DOCTYPE[^\[>]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def _refuse_dtd(data: bytes, source_file: str) -> None:
    """Refuse entity declarations and external DTDs before the parser sees them."""
    first = _FIRST_ELEMENT_RE.search(data)
    prolog = data[: first.start()] if first else data
    if b"<!ENTITY" in prolog.upper():
        raise LiftError(
            "the document declares XML entities (<!ENTITY>); refused for safety "
            "(entity expansion and external entities are never processed)",
            source_file=source_file,
            field="DOCTYPE",
        )
    if _EXTERNAL_DOCTYPE_RE.search(prolog):
        raise LiftError(
            "the document's DOCTYPE names an external DTD (SYSTEM/PUBLIC); refused for safety (nothing is fetched)",
            source_file=source_file,
            field="DOCTYPE",
        )


def parse_xml(data: bytes, source_file: str) -> etree._Element:
    _refuse_dtd(data, source_file)
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or str(exc))
        raise LiftError(
            f"not well-formed XML at line {line}, column {column}: {message}", source_file=source_file
        ) from exc
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot use
        raise LiftError(f"not readable XML: {exc}", source_file=source_file) from exc
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if info.system_url or info.public_id or (dtd is not None and any(True for _ in dtd.iterentities())):
        # Caught here for encodings the byte scan above cannot read (UTF-16).
        raise LiftError(
            "the document declares entities or an external DTD; refused for safety",
            source_file=source_file,
            field="DOCTYPE",
        )
    return root


_XML_SKIP_RE = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>)", re.DOTALL)
_XML_ROOT_RE = re.compile(rb"\s*<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)([^>]*)>", re.DOTALL)
_XMLNS_RE = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")


def root_name_and_namespace(data: bytes) -> tuple[str, str | None] | None:
    """(local name, namespace) of the root element, read from the head of the bytes."""
    head = data[:65536]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        match = _XML_SKIP_RE.match(head, pos)
        if not match:
            break
        pos = match.end()
    root = _XML_ROOT_RE.match(head, pos)
    if not root:
        return None
    prefix = root.group(1)
    namespace = None
    for ns in _XMLNS_RE.finditer(root.group(3)):
        if ns.group(1) == prefix:
            namespace = ns.group(2).decode("utf-8", "replace")
    return root.group(2).decode("ascii"), namespace


