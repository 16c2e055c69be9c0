"""Semantic search: /search (HTML) and /api/search (JSON), one code path (kg.linking.search)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from app.services import NoDataError

bp = Blueprint("search", __name__)
MAX_LIMIT = 100


def _params() -> tuple[str, int, int, str | None, str | None]:
    q = request.args.get("q", "")[:500]
    try:
        limit = max(1, min(MAX_LIMIT, int(request.args.get("limit", "20"))))
    except ValueError:
        limit = 20
    try:
        offset = max(0, min(10_000, int(request.args.get("offset", "0"))))
    except ValueError:
        offset = 0
    publisher = request.args.get("publisher") or None
    concept = (request.args.get("concept") or "")[:500] or None
    return q, limit, offset, publisher, concept


@bp.get("/search")
def search_page():  # type: ignore[no-untyped-def]
    q, limit, offset, publisher, concept = _params()
    try:
        searcher = current_app.extensions["crosswalk"].searcher()
    except NoDataError as exc:
        return render_template("empty.html", message=str(exc)), 503
    result = searcher.search(q, limit=limit, offset=offset, publisher=publisher, concept=concept) if q else None
    return render_template(
        "search.html",
        q=q,
        result=result,
        publisher=publisher,
        concept=concept,
        concept_label=searcher.concepts.label,
        limit=limit,
        offset=offset,
        ready=searcher.ready,
    )


@bp.get("/api/search")
def search_api():  # type: ignore[no-untyped-def]
    q, limit, offset, publisher, concept = _params()
    if not q.strip():
        return jsonify(error="give a query: /api/search?q=...&limit=..."), 400
    try:
        searcher = current_app.extensions["crosswalk"].searcher()
    except NoDataError as exc:
        return jsonify(error=str(exc)), 503
    result = searcher.search(q, limit=limit, offset=offset, publisher=publisher, concept=concept)
    label = searcher.concepts.label
    facets = {name: [{"value": v, "count": c} for v, c in values] for name, values in result.facets.items()}
    for item in facets.get("concept", []):
        item["label"] = label(item["value"])
    return jsonify(
        query=result.query,
        total=result.total,
        limit=limit,
        offset=offset,
        facets=facets,
        hits=[
            {
                "key": h.key,
                "iri": h.iri,
                "identifiers": sorted({h.identifier, h.iri} - {""}),
                "title": h.title,
                "publisher": h.publisher,
                "source": h.source,
                "score": round(h.score, 4),
                "concepts": [{"iri": c, "label": label(c)} for c in h.concepts],
                "matched_concepts": [{"iri": c, "label": label(c)} for c in h.matched_concepts],
                "url": url_for("dataset.landing", ident=h.key, _external=True),
            }
            for h in result.hits
        ],
    )
