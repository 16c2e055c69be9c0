"""Search: /search (HTML), /api/search (JSON) and /api/suggest (autocomplete JSON).

The page and /api/search read the same parameters (``_params``) and make the same
``Searcher.search`` call; every parameter is validated and capped here, and a bad one falls
back to its default instead of an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from app.auth import scoped
from app.services import NoDataError
from kg.linking.search import FACETS, SORTS, Hit

bp = Blueprint("search", __name__)
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_OFFSET = 10_000
MAX_QUERY = 500
MAX_VALUE = 500  # a facet value (a concept IRI can be long)
MAX_VALUES = 20  # values chosen per facet
SUGGEST_LIMIT = 8
MAX_SUGGEST_LIMIT = 20
MAX_PREFIX = 100
FACET_SHOWN = 6  # values of a facet listed before "N more" (fewer Tab stops to "Apply filters")
FACET_TITLES = {
    "publisher": "Publisher",
    "concept": "Concept",
    "format": "Format",
    "license": "Licence",
    "year": "Year",
    "validation": "Validation",
}
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "title": "Title A–Z"}


@dataclass
class SearchParams:
    q: str = ""
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str = "relevance"
    filters: dict[str, list[str]] = field(default_factory=dict)

    def args(self, **changes: object) -> dict[str, object]:
        """The query string of this search with ``changes``, defaults left out (short URLs)."""
        out: dict[str, object] = {"q": self.q, **self.filters}
        if self.sort != "relevance":
            out["sort"] = self.sort
        if self.limit != DEFAULT_LIMIT:
            out["limit"] = self.limit
        if self.offset:
            out["offset"] = self.offset
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", [], 0) or k == "q"}


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(request.args.get(name, default))))
    except ValueError:
        return default


def _params() -> SearchParams:
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v.strip()[:MAX_VALUE] for v in request.args.getlist(name)[:MAX_VALUES]]
        if any(values):
            filters[name] = sorted({v for v in values if v})
    sort = request.args.get("sort", "relevance")
    return SearchParams(
        q=request.args.get("q", "")[:MAX_QUERY],
        limit=_int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_int("offset", 0, 0, MAX_OFFSET),
        sort=sort if sort in SORTS else "relevance",
        filters=filters,
    )


def _search(searcher, p: SearchParams):  # type: ignore[no-untyped-def]
    return searcher.search(p.q, limit=p.limit, offset=p.offset, filters=p.filters, sort=p.sort, scope=scoped()[0].scope)


@bp.get("/search")
def search_page():  # type: ignore[no-untyped-def]
    p = _params()
    try:
        searcher = current_app.extensions["crosswalk"].searcher()
    except NoDataError as exc:
        return render_template("empty.html", message=str(exc)), 503
    result = _search(searcher, p) if p.q.strip() else None

    def search_url(**changes: object) -> str:
        return url_for("search.search_page", **p.args(**changes))

    return render_template(
        "search.html",
        p=p,
        q=p.q,
        result=result,
        clear_url=search_url(offset=None, **dict.fromkeys(p.filters)),
        split_facet=_split_facet,
        facet_label=searcher.facet_label,
        concept_label=searcher.concepts.label,
        facet_titles=FACET_TITLES,
        sort_labels=SORT_LABELS,
        search_url=search_url,
        ready=searcher.ready,
    )


def _split_facet(values: list[tuple[str, int]], chosen: list[str], shown: int = FACET_SHOWN):  # type: ignore[no-untyped-def]
    """The values listed at once (the first ``shown`` and every chosen one) and the rest (behind "more")."""
    first = [(v, c) for i, (v, c) in enumerate(values) if i < shown or v in chosen]
    return first, [(v, c) for i, (v, c) in enumerate(values) if i >= shown and v not in chosen]


def _segments(segments: list[tuple[str, bool]]) -> list[dict[str, object]]:
    return [{"text": text, "match": match} for text, match in segments]


def _hit_json(h: Hit, label) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "key": h.key,
        "iri": h.iri,
        "identifiers": sorted({h.identifier, h.iri} - {""}),
        "title": h.title,
        "publisher": h.publisher,
        "source": h.source,
        "score": round(h.score, 4),
        "year": h.year,
        "date": h.date,
        "formats": h.formats,
        "licenses": h.licenses,
        "validation": h.validation,
        "concepts": [{"iri": c, "label": label(c)} for c in h.concepts],
        "matched_concepts": [{"iri": c, "label": label(c)} for c in h.matched_concepts],
        # the title and a description excerpt as segments, the query's words marked
        "highlight": {"title": _segments(h.title_segments), "snippet": _segments(h.snippet)},
        "snippet": "".join(text for text, _ in h.snippet),
        "url": url_for("dataset.landing", ident=h.key, _external=True),
    }


@bp.get("/api/search")
def search_api():  # type: ignore[no-untyped-def]
    p = _params()
    if not p.q.strip():
        return jsonify(error="give a query: /api/search?q=...&limit=..."), 400
    try:
        searcher = current_app.extensions["crosswalk"].searcher()
    except NoDataError as exc:
        return jsonify(error=str(exc)), 503
    result = _search(searcher, p)
    facets = {
        name: [{"value": v, "count": c, "label": searcher.facet_label(name, v)} for v, c in values]
        for name, values in result.facets.items()
    }
    return jsonify(
        query=result.query,
        total=result.total,
        limit=p.limit,
        offset=p.offset,
        sort=result.sort,
        filters=result.filters,
        facets=facets,
        hits=[_hit_json(h, searcher.concepts.label) for h in result.hits],
    )


@bp.get("/api/suggest")
def suggest_api():  # type: ignore[no-untyped-def]
    """Completions for the search box: ``?q=<what is typed>&limit=8``."""
    prefix = request.args.get("q", "")[:MAX_PREFIX]
    limit = _int("limit", SUGGEST_LIMIT, 1, MAX_SUGGEST_LIMIT)
    try:
        searcher = current_app.extensions["crosswalk"].searcher()
    except NoDataError as exc:
        return jsonify(error=str(exc)), 503
    suggestions = [
        {
            "text": s.text,
            "kinds": list(s.kinds),
            "count": s.count,
            **({"concept": s.concept} if s.concept else {}),
            "url": url_for("search.search_page", q=s.text),
        }
        for s in searcher.suggest(prefix, limit, scope=scoped()[0].scope)
    ]
    return jsonify(query=prefix, suggestions=suggestions)
