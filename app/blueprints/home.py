"""The front page: what is in the graph, a search box, and cross-lab links to follow."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.auth import scoped
from app.services import NoDataError
from kg.stats import graph_stats, sample_links

bp = Blueprint("home", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    try:
        store = scoped()[0]
    except NoDataError as exc:
        return render_template("empty.html", message=str(exc)), 503
    return render_template("home.html", stats=graph_stats(store), links=sample_links(store, 12))
