"""``/admin/access``: a lab's admins set who may see its sources and records (kg.governance).

Global admins see every source; a user with the ``admin`` role in a lab (``kg user grant NAME
--lab LAB:admin``) sees and sets that lab's sources only. Each change goes through
``kg.governance.admin.change`` (the same call as ``kg policy``): it takes effect on the next
request, without a restart; a change that hides data first rebuilds the store's views, and is
refused (503) while another process writes the store. Every change is in the audit log.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from app.auth import current_identity, login_required, protect
from app.services import NoDataError
from kg.governance.admin import StoreBusy, change, source_of_record
from kg.governance.policy import LEVELS, PolicyError, load, parse_access, with_record, with_source
from kg.governance.views import SOURCE_PREFIX
from kg.namespaces import slug

bp = protect(Blueprint("access", __name__, url_prefix="/admin/access"))


def _sources() -> dict[str, int]:
    """Every stored source with its number of records (the whole store: this page is for admins)."""
    try:
        store = current_app.extensions["crosswalk"].store()
    except NoDataError:
        return {}
    rows = store.select(
        f"""SELECT ?sg (COUNT(?g) AS ?n) WHERE {{ GRAPH ?sg {{ ?cat <http://www.w3.org/ns/dcat#record> ?g }}
              FILTER(STRSTARTS(STR(?sg), "{SOURCE_PREFIX}")) }} GROUP BY ?sg"""
    )
    return {r["sg"][len(SOURCE_PREFIX) :]: int(r["n"]) for r in rows}


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


@bp.get("")
@login_required()
def index():  # type: ignore[no-untyped-def]
    who = current_identity()
    policies = load(_data_dir())
    mine = {s: n for s, n in sorted(_sources().items()) if policies.can_administer(who, s)}
    if not mine and not who.is_admin:
        abort(403, description=f"{who.name} is not an admin of any lab")
    records = {k: v for k, v in policies.records.items() if v[0] in mine}
    return render_template("admin_access.html", sources=mine, policies=policies, records=records, levels=LEVELS)


def _access_from_form():  # type: ignore[no-untyped-def]
    groups = [g for g in request.form.get("groups", "").replace(",", " ").split() if g]
    return parse_access(request.form.get("level", ""), groups, request.form.get("until") or None)


def _apply(edit, what: str):  # type: ignore[no-untyped-def]
    try:
        _, how = change(_data_dir(), edit, current_identity().actor)
    except StoreBusy as exc:
        return render_template("empty.html", message=str(exc)), 503
    flash(f"{what}: {how}.", "ok")
    return redirect(url_for("access.index"), code=303)


@bp.post("/source")
@login_required()
def set_source():  # type: ignore[no-untyped-def]
    who = current_identity()
    source = slug(request.form.get("source", ""))
    if source not in _sources():
        abort(400, description=f"source: no stored source {source!r}")
    if not load(_data_dir()).can_administer(who, source):
        abort(403, description=f"{who.name} is not an admin of {source}'s lab")
    try:
        access = _access_from_form()
    except PolicyError as exc:
        abort(400, description=f"level, groups or until: {exc}")
    return _apply(lambda p: with_source(p, source, access, who.name), f"{source} is now {access.describe()}")


@bp.post("/record")
@login_required()
def set_record():  # type: ignore[no-untyped-def]
    who = current_identity()
    key = request.form.get("key", "").strip()
    try:
        store = current_app.extensions["crosswalk"].store()
    except NoDataError as exc:
        abort(503, description=str(exc))
    source = source_of_record(store, key)
    if source is None:
        abort(400, description=f"key: no stored record {key[:40]!r} (the last part of its /dataset/ address)")
    if not load(_data_dir()).can_administer(who, source):
        abort(403, description=f"{who.name} is not an admin of {source}'s lab")
    if request.form.get("clear"):
        return _apply(lambda p: with_record(p, source, key, None, who.name), f"record {key} follows {source} again")
    try:
        access = _access_from_form()
    except PolicyError as exc:
        abort(400, description=f"level, groups or until: {exc}")
    return _apply(lambda p: with_record(p, source, key, access, who.name), f"record {key} is now {access.describe()}")
