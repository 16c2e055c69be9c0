"""Result formats of the SPARQL endpoint and content negotiation over them.

One table serves both the HTTP ``Accept`` header and the ``format=`` parameter (SPARQL 1.1
Protocol §2.1 leaves the choice of format to content negotiation; ``format=`` is the common
override that SPARQLWrapper, YASGUI and Virtuoso clients send).

* SELECT and ASK (``kind="results"``): SPARQL Results JSON (default), XML, CSV, TSV.
* CONSTRUCT and DESCRIBE (``kind="graph"``): Turtle (default), N-Triples, JSON-LD, RDF/XML.

``json`` and ``xml`` name a format of each kind (``format=json`` on a CONSTRUCT gives JSON-LD),
so one choice works for any query, as clients that send ``format=json`` expect.
"""

from __future__ import annotations

from dataclasses import dataclass

RESULTS = "results"
GRAPH = "graph"


@dataclass(frozen=True)
class ResultFormat:
    """One serialization: its short names, canonical media type and accepted aliases."""

    name: str
    kind: str
    media_type: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # values of the ``format=`` parameter

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# Order matters: the first format of a kind is its default (used for */* and no Accept).
FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", RESULTS, "application/sparql-results+json", ("application/json",), ("json",)),
    ResultFormat("xml", RESULTS, "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml",)),
    ResultFormat("csv", RESULTS, "text/csv", (), ("csv",)),
    ResultFormat("tsv", RESULTS, "text/tab-separated-values", (), ("tsv",)),
    ResultFormat(
        "turtle",
        GRAPH,
        "text/turtle",
        ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
        ("turtle", "ttl", "n3"),
    ),
    ResultFormat("ntriples", GRAPH, "application/n-triples", ("text/plain",), ("ntriples", "nt", "n-triples")),
    ResultFormat(
        "jsonld",
        GRAPH,
        "application/ld+json",
        ("application/x-json+ld", "application/json"),
        ("jsonld", "json-ld", "json"),
    ),
    ResultFormat(
        "rdfxml",
        GRAPH,
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf+xml", "rdf", "xml"),
    ),
)


def formats_of(kind: str) -> tuple[ResultFormat, ...]:
    return tuple(f for f in FORMATS if f.kind == kind)


def format_names() -> list[str]:
    """Every value ``format=`` accepts (besides a media type)."""
    return sorted({n for f in FORMATS for n in f.names})


def accept_for_format(value: str) -> str | None:
    """The Accept header that a ``format=`` value stands for, or None if it names nothing.

    ``value`` is a short name (``json``, ``turtle``, ...) or a media type we serve.
    """
    value = value.strip().lower()
    matches = [f.media_type for f in FORMATS if value in f.names or value in f.media_types]
    return ", ".join(dict.fromkeys(matches)) or None


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text/csv", "text/*" or "*/*"
    q: float
    order: int

    @property
    def specificity(self) -> int:
        if self.type == "*/*":
            return 0
        if self.type.endswith("/*"):
            return 1
        return 2

    def matches(self, media_type: str) -> bool:
        if self.type == "*/*":
            return True
        if self.type.endswith("/*"):
            return media_type.startswith(self.type[:-1])
        return self.type == media_type


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header (RFC 9110 §12.5.1); a bad q-value counts as 1."""
    ranges = []
    for order, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, val = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(val.strip())))
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(media, q, order))
    return ranges


def _quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int, int] | None:
    """q of the most specific range matching ``media_type``, its specificity and position."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    if best is None or best.q <= 0:
        return None
    return best.q, best.specificity, best.order


def negotiate(accept: str | None, kind: str) -> ResultFormat | None:
    """The format of ``kind`` the client prefers, or None when it accepts none of them.

    Highest q wins; then an explicit type over a wildcard, then the client's order, then our
    default order. No Accept header (or an empty one) means "anything": the default.
    """
    candidates = formats_of(kind)
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0]
    scored = []
    for rank, fmt in enumerate(candidates):
        # An alias (application/json) counts like the canonical type when the client names it;
        # a wildcard (text/*) matches only the canonical type, so it never picks XML via text/xml.
        # A type named explicitly overrides any wildcard (RFC 9110: most specific range wins).
        qualities = [
            q for m in fmt.media_types if (q := _quality(ranges, m)) is not None and (q[1] == 2 or m == fmt.media_type)
        ]
        explicit = [q for q in qualities if q[1] == 2]
        qualities = explicit or qualities
        if not qualities:
            continue
        q, specificity, order = max(qualities, key=lambda t: (t[0], t[1], -t[2]))
        scored.append(((q, specificity, -order, -rank), fmt))
    if not scored:
        return None
    return max(scored, key=lambda s: s[0])[1]


def prefers_html(accept: str | None) -> bool:
    """True when the client names text/html explicitly and likes it at least as much as any
    result format it names explicitly (a browser, not curl's ``*/*``)."""
    ranges = parse_accept(accept)
    html = [r.q for r in ranges if r.type in ("text/html", "application/xhtml+xml") and r.q > 0]
    if not html:
        return False
    ours = {m for f in FORMATS for m in f.media_types}
    other = [r.q for r in ranges if r.type in ours]
    return max(html) >= max(other, default=0.0) and max(html) > 0
