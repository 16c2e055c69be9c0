"""Login for the curator UI: users from ``{data_dir}/users.json`` (kg.users), Flask's signed session.

* ``/login`` (GET form, POST name and password) and ``/logout`` (POST); after login the user is
  sent to ``next`` when it is a path on this site, never elsewhere (no open redirect);
* :func:`login_required` sends an anonymous visitor to ``/login?next=…`` and answers 403 to a
  user without the role (``admin`` holds every role);
* every POST form of the blueprints that call :func:`protect` carries a per-session CSRF token
  in a hidden field (``csrf_token``); a POST without the right one is refused with 400. The
  SPARQL protocol's POST is an API, not a form, and is not affected;
* the session cookie is HttpOnly and SameSite=Lax (``KG_SESSION_COOKIE_SECURE=1`` adds Secure
  behind HTTPS); it holds the user's name and a stamp of their password hash, so changing a
  password or removing a user ends their sessions;
* the signing key is ``$KG_SECRET_KEY``, else a random key kept in ``{data_dir}/secret_key``
  (mode 0600), made on first start, so sessions survive a restart;
* programs send ``Authorization: Bearer cwt_…`` (kg.tokens) instead of a session: the request
  acts as the token's owner and needs no CSRF token (no other site can make a browser send that
  header); a wrong, revoked or expired token is refused with 401, never treated as anonymous.

Who is asking is decided by :func:`current_identity`, which asks each provider in
``app.config["IDENTITY_PROVIDERS"]`` in turn (bearer token, then session). An OIDC login is one
more provider (it verifies the ID token and maps its claims to an Identity); the access
policies (kg.governance) only ever see the Identity.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from kg.governance.identity import ANONYMOUS, Identity
from kg.users import User, UserError, get_user, verify

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

CSRF_FIELD = "csrf_token"
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


# --- set-up -------------------------------------------------------------------------------


def secret_key(data_dir: Path | str) -> str:
    """``$KG_SECRET_KEY``, else the key in ``{data_dir}/secret_key`` (made, mode 0600, if absent)."""
    env = os.environ.get("KG_SECRET_KEY")
    if env:
        return env
    path = Path(data_dir) / "secret_key"
    if path.exists():
        return _read_key(path)
    key = secrets.token_hex(32)
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        os.link(tmp, path)  # atomic, and never replaces a key another process made first
    except FileExistsError:
        return _read_key(path)
    except OSError as exc:  # a read-only data directory: sessions end when the server does
        log.warning("cannot keep a secret key in %s (%s); using one for this process only", path, exc)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path}: the secret key is too short; delete the file to make a new one")
    return key


def init_app(app: Flask) -> None:
    """Signing key and cookie settings; call before the first request."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.config["DATA_DIR"])
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if os.environ.get("KG_SESSION_COOKIE_SECURE") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", dt.timedelta(hours=12))
    app.register_blueprint(bp)


# --- who is logged in -------------------------------------------------------------------------


class BearerTokens:
    """``Authorization: Bearer cwt_…``: an API token (kg.tokens) names its owner."""

    def identify(self, req: Any) -> Identity | None:
        header = req.headers.get("Authorization", "")
        if not header[:7].lower() == "bearer ":
            return None
        from kg.tokens import verify_token

        try:
            found = verify_token(current_app.config["DATA_DIR"], header[7:])
        except UserError as exc:
            log.error("%s", exc)
            found = None
        if found is None:
            raise PermissionError("the API token is not valid (wrong, revoked or expired)")
        token, owner = found
        g.crosswalk_user = owner
        g.crosswalk_token = token.id
        return owner.identity("token")


class PasswordSessions:
    """The web UI's login: the user named by the signed session cookie."""

    def identify(self, req: Any) -> Identity | None:
        user = _session_user()
        return user.identity("password") if user is not None else None


DEFAULT_PROVIDERS = (BearerTokens(), PasswordSessions())


def current_identity() -> Identity:
    """Who sent this request (the first provider that recognises it), else anonymous.
    A refused credential (a bad token) ends the request with 401."""
    if "crosswalk_identity" in g:
        return g.crosswalk_identity
    who: Identity | None = None
    for provider in current_app.config.get("IDENTITY_PROVIDERS") or DEFAULT_PROVIDERS:
        try:
            who = provider.identify(request)
        except PermissionError as exc:
            from flask import Response

            abort(Response(f"{exc}\n", 401, {"WWW-Authenticate": 'Bearer realm="crosswalk"',
                                             "Content-Type": "text/plain; charset=utf-8"}))  # fmt: skip
        if who is not None:
            break
    g.crosswalk_identity = who or ANONYMOUS
    return g.crosswalk_identity


def current_user() -> User | None:
    """The user behind this request (session or API token), read again from users.json on
    each request (a removed user, changed roles or a changed password take effect at once)."""
    if "crosswalk_user" not in g:
        current_identity()
    return g.get("crosswalk_user")


def _session_user() -> User | None:
    user = None
    name = session.get("user")
    if name:
        try:
            found = get_user(current_app.config["DATA_DIR"], name)
        except UserError as exc:
            log.error("%s", exc)
            found = None
        if found is not None and hmac.compare_digest(found.stamp, str(session.get("stamp", ""))):
            user = found
        else:
            session.pop("user", None)
            session.pop("stamp", None)
    g.crosswalk_user = user
    return user


def scoped():  # type: ignore[no-untyped-def]
    """(ScopedStore, ScopeSpec) of this request's caller: what every read path is given."""
    return current_app.extensions["crosswalk"].scoped(current_identity())


def login_required(role: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Anonymous: redirect to the login page (back here after). Logged in without ``role``: 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_back_here()))
            if role is not None and not user.has_role(role):
                abort(403, description=f"{user.name} does not have the {role} role")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _back_here() -> str:
    """Where to return after login: this page for a GET, the page the form was on otherwise."""
    if request.method in ("GET", "HEAD"):
        return safe_next(request.full_path.rstrip("?"))
    ref = urlsplit(request.referrer or "")
    if ref.netloc != request.host:
        return "/"
    return safe_next(ref.path + (f"?{ref.query}" if ref.query else ""))


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site (``/curate``), else ``default``: never another
    host (``//evil``, ``https://evil``, ``/\\evil``), never a control character."""
    text = (value or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return default
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return default
    return text


# --- CSRF -----------------------------------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Refuse (400) an unsafe request whose form does not carry the session's token. A request
    with an API token is exempt: another site can make a browser send its cookies, never an
    Authorization header (that needs CORS, which this server never grants), and such a request
    acts as the token's owner, never as the cookie's."""
    if request.method not in _UNSAFE:
        return
    if request.headers.get("Authorization", "")[:7].lower() == "bearer ":
        current_identity()  # a bad token ends the request with 401 here
        return
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get("csrf", "")
    if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="the form has expired or did not come from this site: reload the page and try again")


def protect(blueprint: Blueprint) -> Blueprint:
    """Check the CSRF token on every unsafe request to ``blueprint``'s views."""
    blueprint.before_request(check_csrf)
    return blueprint


protect(bp)


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"current_user": current_user, "current_identity": current_identity, "csrf_token": csrf_token,
            "csrf_field": CSRF_FIELD}  # fmt: skip


# --- views ----------------------------------------------------------------------------------------


@bp.get("/login")
def login():  # type: ignore[no-untyped-def]
    nxt = safe_next(request.args.get("next"), url_for("curate.index"))
    return render_template("curate_login.html", next=nxt, name="", error=None)


@bp.post("/login")
def login_post():  # type: ignore[no-untyped-def]
    nxt = safe_next(request.form.get("next"), url_for("curate.index"))
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    try:
        user = verify(current_app.config["DATA_DIR"], name, password) if name and password else None
    except UserError as exc:
        log.error("%s", exc)
        user = None
    if user is None:
        return render_template("curate_login.html", next=nxt, name=name, error="Wrong name or password."), 401
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    g.pop("crosswalk_identity", None)
    session.permanent = True
    session["user"] = user.name
    session["stamp"] = user.stamp
    session["csrf"] = secrets.token_urlsafe(32)
    g.pop("crosswalk_user", None)
    return redirect(nxt, code=303)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    session.clear()
    g.pop("crosswalk_user", None)
    g.pop("crosswalk_identity", None)
    return redirect(url_for("home.index"), code=303)
