"""Landing page per dataset, with content negotiation for RDF on the same URL."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from app.auth import scoped
from app.services import NoDataError
from kg.dataset_view import RDF_FORMATS, dataset_rdf, dataset_view, find_key

bp = Blueprint("dataset", __name__)


@bp.get("/dataset/<path:ident>")
def landing(ident: str):  # type: ignore[no-untyped-def]
    try:
        store = scoped()[0]  # only what the caller may see: others' datasets are not found (404)
    except NoDataError as exc:
        return render_template("empty.html", message=str(exc)), 503
    key = find_key(store, ident)
    if key is None:
        abort(404, description=f"no dataset {ident!r}")
    if key != ident:
        return redirect(url_for("dataset.landing", ident=key), code=303)
    best = request.accept_mimetypes.best_match(["text/html", *RDF_FORMATS], default="text/html")
    fmt = request.args.get("format")
    aliases = {"ttl": "text/turtle", "turtle": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples", "rdfxml": "application/rdf+xml"}
    if fmt in aliases:
        best = aliases[fmt]
    if best in RDF_FORMATS:
        body = dataset_rdf(store, key, best)
        resp = Response(body, mimetype=best)
        resp.headers["Vary"] = "Accept"
        return resp
    view = dataset_view(store, key)
    if view is None:
        abort(404)
    page_url = url_for("dataset.landing", ident=key, _external=True)
    resp = Response(render_template("dataset.html", d=view, jsonld=view.schema_org(page_url)))
    resp.headers["Vary"] = "Accept"
    return resp
