"""Quality roll-up per source: counts by rule and severity, worst records first (issue 3, point 6)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.auth import scoped
from app.services import NoDataError
from kg.validation.summary import summarise

bp = Blueprint("quality", __name__)


@bp.get("/source/<name>")
def source_quality(name: str):  # type: ignore[no-untyped-def]
    try:
        store = scoped()[0]
    except NoDataError as exc:
        return render_template("empty.html", message=str(exc)), 503
    summary = summarise(store, source=name)
    if not summary.sources:
        abort(404, description=f"no source {name!r}")
    return render_template("quality.html", s=summary.sources[0])
