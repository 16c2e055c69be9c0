"""API tokens for programs: ``Authorization: Bearer cwt_{id}_{secret}``.

``{data_dir}/tokens.json`` (mode 0600) keeps, per token, its owner, a label, when it was made
and when it expires, and the SHA-256 of its secret, never the secret itself: the token is shown
once, when it is made. A token has no powers of its own: a request made with it acts as its
owner with the owner's roles, labs and groups *now* (removing a user or their role takes
effect at once). SHA-256 without salt is enough here: the secret is 32 random bytes, not a
password, so there is nothing to guess from the hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.users import User, UserError, get_user, write_private_json

PREFIX = "cwt_"
_TOKEN = re.compile(r"^cwt_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$")
_lock = threading.Lock()


@dataclass(frozen=True)
class Token:
    id: str
    user: str
    label: str
    sha256: str
    created: str
    expires: str = ""  # ISO date; "" never

    def expired(self, today: dt.date | None = None) -> bool:
        today = today or dt.datetime.now(dt.UTC).date()
        return bool(self.expires) and today > dt.date.fromisoformat(self.expires)


def tokens_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "tokens.json"


def load_tokens(data_dir: Path | str) -> dict[str, Token]:
    path = tokens_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot be read: {exc}") from exc
    return {tid: Token(**entry) for tid, entry in (raw.get("tokens") or {}).items()}


def _save(data_dir: Path | str, tokens: dict[str, Token]) -> None:
    write_private_json(tokens_path(data_dir), {"version": 1, "tokens": {t: asdict(tokens[t]) for t in sorted(tokens)}})


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(data_dir: Path | str, user: str, label: str, days: int | None = None) -> tuple[Token, str]:
    """Make a token for ``user``; returns it and the one time its full text is known."""
    if get_user(data_dir, user) is None:
        raise UserError(f"no user {user!r}")
    if days is not None and days < 1:
        raise UserError("a token lasts at least one day (--days N)")
    tid = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    today = dt.datetime.now(dt.UTC).date()
    expires = (today + dt.timedelta(days=days)).isoformat() if days else ""
    token = Token(tid, user, label.strip() or "token", _digest(secret), today.isoformat(), expires)
    with _lock:
        tokens = load_tokens(data_dir)
        tokens[tid] = token
        _save(data_dir, tokens)
    return token, f"{PREFIX}{tid}_{secret}"


def revoke_token(data_dir: Path | str, tid: str) -> Token:
    with _lock:
        tokens = load_tokens(data_dir)
        if tid not in tokens:
            raise UserError(f"no token {tid!r} (see `kg token list`)")
        gone = tokens.pop(tid)
        _save(data_dir, tokens)
    return gone


def verify_token(data_dir: Path | str, text: str) -> tuple[Token, User] | None:
    """The token and its owner when ``text`` is a valid, unexpired token of an existing user."""
    match = _TOKEN.match(text.strip())
    if not match:
        return None
    token = load_tokens(data_dir).get(match.group(1))
    if token is None or not hmac.compare_digest(token.sha256, _digest(match.group(2))) or token.expired():
        return None
    owner = get_user(data_dir, token.user)
    return (token, owner) if owner is not None else None
