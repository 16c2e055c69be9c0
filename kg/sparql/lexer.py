"""A small SPARQL tokenizer: enough to tell what a query is before anyone runs it.

The endpoint must refuse SERVICE (an outbound fetch) and SPARQL Update before a worker sees
the text. A substring test would refuse ``FILTER(CONTAINS(?t, "service"))``, so keywords are
found by scanning the query with the SPARQL 1.1 lexical rules (grammar §19.8): strings, IRIs,
comments, variables, language tags and prefixed names are recognised and skipped, and only bare
words (keywords, built-in function names, ``a``, ``true``/``false``) count. In SPARQL no user
identifier is a bare word, so a bare ``SERVICE`` is always the keyword.

The scan is lenient: text it does not understand is skipped one character at a time, and a
query that is not valid SPARQL is left for pyoxigraph's parser to reject with its own message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

# SPARQL 1.1 Update operations (grammar rule [30] Update1) and the WITH form of Modify [41].
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>
          \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
        | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
        | "(?:[^"\\\r\n]|\\.)*(?:"|$)
        | '(?:[^'\\\r\n]|\\.)*(?:'|$)
      )
    | (?P<var>[?$][\w\u00B7]+)
    | (?P<langtag>@[A-Za-z]+(?:-{1,2}[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d](?:[\w.\-\u00B7]*[\w\-\u00B7])?)?:(?:[\w\-.:%\u00B7]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, langtag, pname, word, other
    text: str


@dataclass(frozen=True)
class QueryShape:
    """What the scan learnt about a query text."""

    keywords: tuple[str, ...]  # bare words in order, upper-cased
    prefixes: dict[str, str] = field(default_factory=dict)  # PREFIX declarations
    form: str | None = None  # first keyword after the prologue (SELECT, INSERT, ...)
    # The target of each SERVICE, in order: an absolute IRI (prefixed names and relative IRIs
    # resolved), or None when it is a variable or cannot be resolved (kg.netpolicy refuses it).
    services: tuple[str | None, ...] = ()

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS

    @property
    def uses_service(self) -> bool:
        return "SERVICE" in self.keywords

    @property
    def has_dataset_clause(self) -> bool:
        """The query names its own dataset (``FROM`` / ``FROM NAMED``, grammar [13]-[15])."""
        return "FROM" in self.keywords


def tokenize(query: str) -> list[Token]:
    """Significant tokens of ``query`` (whitespace and comments dropped)."""
    tokens = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        tokens.append(Token(kind, match.group()))
    return tokens


def scan(query: str) -> QueryShape:
    """Keywords, prefix declarations and the query form of ``query``."""
    tokens = tokenize(query)
    keywords = tuple(t.text.upper() for t in tokens if t.kind == "word")
    prefixes: dict[str, str] = {}
    form = None
    base: str | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word":
            upper = tok.text.upper()
            if upper == "PREFIX" and i + 2 < len(tokens):
                name, iri = tokens[i + 1], tokens[i + 2]
                if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                    prefixes[name.text[:-1]] = iri.text[1:-1]
                i += 3
                continue
            if upper == "BASE":
                if i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
                    base = tokens[i + 1].text[1:-1]
                i += 2
                continue
            form = upper
            break
        i += 1
    services = _service_targets(tokens, prefixes, base) if "SERVICE" in keywords else ()
    return QueryShape(keywords=keywords, prefixes=prefixes, form=form, services=services)


def _service_targets(tokens: list[Token], prefixes: dict[str, str], base: str | None) -> tuple[str | None, ...]:
    """The target of every ``SERVICE [SILENT] VarOrIri`` (grammar [59]), as an absolute IRI or None.

    Prefixed names are expanded with the query's PREFIX declarations and relative IRIs resolved
    against its BASE (§4.1.1); a variable, an undeclared prefix or a relative IRI without a BASE
    gives None: nothing a policy could allow."""
    targets: list[str | None] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or tok.text.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "SILENT":
            j += 1
        target = tokens[j] if j < len(tokens) else None
        iri: str | None = None
        if target is not None and target.kind == "iri":
            iri = urljoin(base, target.text[1:-1]) if base else target.text[1:-1]
        elif target is not None and target.kind == "pname":
            prefix, _, local = target.text.partition(":")
            if prefix in prefixes:
                namespace = urljoin(base, prefixes[prefix]) if base else prefixes[prefix]
                iri = namespace + re.sub(r"\\(.)", r"\1", local)  # PN_LOCAL_ESC (§19.8)
        if iri is not None and not _ABSOLUTE_IRI.match(iri):
            iri = None
        targets.append(iri)
    return tuple(targets)


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
