"""Administration (issue 6, point 3): the audit log viewer, for the ``admin`` role only.

``/admin/audit`` lists ``{data_dir}/audit/audit.jsonl`` (kg.audit) newest first, filtered by
actor, action (or family: ``mapping``) and target text, a page at a time, with the state of the
hash chain. Anonymous visitors are sent to the login page, logged-in users without the role get 403.

The web login is recorded here too (``auth.login``, with a success flag and the client address,
never the password), after app.auth's login view has answered, so that view stays as it is. Unlike
a curator's decision, a login whose entry cannot be written (a read-only data directory) still
succeeds: the failure goes to the server log.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth import login_required, protect
from kg import audit

bp = protect(Blueprint("admin", __name__, url_prefix="/admin"))

PAGE = 100
FILTER_MAX = 200  # characters of a filter kept (a filter is matched, never stored)
NAME_MAX = 64  # the longest user name kg.users allows
# the actions this code base records, offered as suggestions (any dotted verb may be typed)
KNOWN_ACTIONS = (
    "auth.login", "backup.create", "backup.restore", "ingest.run", "link.decide", "link.run",
    "mapping.bulk_accept", "mapping.decide", "mapping.discard_draft", "mapping.edit", "mapping.publish",
    "mapping.revert", "user.add", "user.passwd", "user.remove",
)  # fmt: skip


def _arg(name: str) -> str:
    return request.args.get(name, "").strip()[:FILTER_MAX]


def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        return 0


@bp.get("")
@bp.get("/")
@login_required("admin")
def index():  # type: ignore[no-untyped-def]
    return redirect(url_for("admin.audit_log"))


@bp.get("/audit")
@login_required("admin")
def audit_log():  # type: ignore[no-untyped-def]
    data_dir = current_app.config["DATA_DIR"]
    filters = {"actor": _arg("actor"), "action": _arg("action"), "target": _arg("target")}
    offset = _offset()
    problem = None
    try:
        # one more than a page: is there a next page (the total would cost reading the whole log)
        found = audit.read(data_dir, limit=PAGE + 1, offset=offset, **{k: v or None for k, v in filters.items()})
    except audit.AuditError as exc:
        found, problem = [], str(exc)
    intact, chain = audit.verify(data_dir)
    rows = [_row(e) for e in found[:PAGE]]
    return render_template(
        "admin_audit.html",
        rows=rows,
        filters=filters,
        offset=offset,
        page=PAGE,
        has_next=len(found) > PAGE,
        intact=intact,
        chain=chain,
        problem=problem,
        known_actions=KNOWN_ACTIONS,
        log_file=str(audit.log_path(data_dir)),
    )


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    detail = entry.get("detail") or {}
    return {
        "seq": entry.get("seq"),
        "ts": str(entry.get("ts", "")),
        "actor": str(entry.get("actor", "")),
        "action": str(entry.get("action", "")),
        "target": str(entry.get("target", "")),
        "detail": json.dumps(detail, indent=1, ensure_ascii=False, sort_keys=True) if detail else "",
        "summary": _summary(detail),
        "hash": str(entry.get("hash", "")),
    }


def _summary(detail: Any) -> str:
    """The detail's first few scalar fields on one line (the whole of it is one click away)."""
    if not isinstance(detail, dict):
        return ""
    parts = [f"{k}: {json.dumps(v) if isinstance(v, bool) else v}" for k, v in detail.items()
             if isinstance(v, (str, int, float, bool)) and v != ""][:4]  # fmt: skip
    text = "; ".join(parts)
    return text if len(text) <= 120 else text[:119] + "…"


# --- the web login ---------------------------------------------------------------------------------


@bp.after_app_request
def _record_login(response: Response) -> Response:
    """``auth.login`` for each answered login form: 303 is a login, 401 a refused name or password
    (a 400 for a missing CSRF token never reached the check and is not recorded)."""
    if request.endpoint != "auth.login_post" or response.status_code not in (303, 401):
        return response
    name = request.form.get("name", "").strip()[:NAME_MAX]
    ok = response.status_code == 303
    try:
        audit.record(current_app.config["DATA_DIR"], name if ok else "anonymous", "auth.login", name,
                     {"success": ok, "address": request.remote_addr or ""})  # fmt: skip
    except audit.AuditError as exc:  # a read-only data directory: logging in still works, as in app.auth
        current_app.logger.error("%s", exc)
    return response
