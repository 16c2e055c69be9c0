"""Users of the curator UI: ``{data_dir}/users.json``, passwords kept only as salted hashes.

A small identity layer the web app's login (``app.auth``) and ``kg user`` build on::

    {"version": 1, "users": {"ada": {"name": "ada", "roles": ["curator"],
                                     "password_hash": "scrypt:32768:8:1$…", "created": "2026-12-01"}}}

* names are short slugs (``ada``, ``j.smith``): they become the reviewer of every decision a
  user records (``cwuser:{name}`` in SSSOM), so they never change once decisions exist;
* roles are from :data:`ROLES` (``curator`` may decide on mappings and links, ``admin`` may do
  anything); ``labs`` maps a lab to the user's role in it (``member``, ``steward`` or ``admin``,
  :mod:`kg.governance.identity`) and ``groups`` names the groups restricted records are shared
  with; API tokens are in :mod:`kg.tokens`;
* passwords are hashed with werkzeug's ``generate_password_hash`` (scrypt) and checked with
  ``check_password_hash``; an unknown name costs the same hash check as a wrong password, so
  the answer time does not say which names exist;
* the file is written atomically (temporary file, then rename) with mode 0600.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("admin", "curator")
LAB_ROLES = ("member", "steward", "admin")
MIN_PASSWORD = 8
FILE_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_lock = threading.Lock()


class UserError(ValueError):
    """A user that cannot be added or changed (bad name, role or password; exists; unknown)."""


@dataclass(frozen=True)
class User:
    name: str
    roles: tuple[str, ...] = ()
    password_hash: str = field(default="", repr=False)
    created: str = ""
    labs: tuple[tuple[str, str], ...] = ()  # (lab, member | steward | admin), sorted
    groups: tuple[str, ...] = ()

    def has_role(self, role: str) -> bool:
        """``admin`` holds every role."""
        return role in self.roles or "admin" in self.roles

    @property
    def stamp(self) -> str:
        """Changes whenever the password does: a session made before a password change is void."""
        return hashlib.sha256(self.password_hash.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "roles": list(self.roles), "labs": dict(self.labs), "groups": list(self.groups),
                "password_hash": self.password_hash, "created": self.created}  # fmt: skip

    def identity(self, via: str = "password"):  # type: ignore[no-untyped-def]
        """What the access policies see of this user (kg.governance.identity.Identity)."""
        from kg.governance.identity import Identity

        return Identity(self.name, frozenset(self.roles), dict(self.labs), frozenset(self.groups), via)


def users_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "users.json"


def load_users(data_dir: Path | str) -> dict[str, User]:
    """Every user, by name (an absent file is no users)."""
    path = users_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot be read: {exc}") from exc
    entries = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise UserError(f"{path}: expected {{'users': {{name: {{...}}}}}}")
    users: dict[str, User] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not _NAME.match(str(name)):
            raise UserError(f"{path}: user {name!r} is not valid")
        roles = entry.get("roles") or []
        labs = entry.get("labs") or {}
        users[name] = User(
            name=name,
            roles=tuple(str(r) for r in roles if isinstance(r, str)),
            password_hash=str(entry.get("password_hash") or ""),
            created=str(entry.get("created") or ""),
            labs=tuple(sorted((str(k), str(v)) for k, v in labs.items() if v in LAB_ROLES))
            if isinstance(labs, dict)
            else (),
            groups=tuple(sorted(str(g) for g in entry.get("groups") or [] if isinstance(g, str))),
        )
    return users


def _save(data_dir: Path | str, users: dict[str, User]) -> None:
    body = {"version": FILE_VERSION, "users": {n: users[n].to_json() for n in sorted(users)}}
    write_private_json(users_path(data_dir), body)


def write_private_json(path: Path, body: object) -> None:
    """Write ``body`` as JSON atomically (temporary file, then rename), readable by the owner only
    (users.json, tokens.json)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(body, fh, indent=2, sort_keys=False)
        fh.write("\n")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise UserError(
            f"user name {name!r}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def check_roles(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UserError(f"unknown role {unknown[0]!r}: roles are {', '.join(ROLES)}")
    return tuple(dict.fromkeys(roles))


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def add_user(data_dir: Path | str, name: str, password: str, roles: list[str] | tuple[str, ...] = ("curator",)) -> User:
    """Add a user. Raises UserError if the name, a role or the password is not valid, or the
    name is taken."""
    check_name(name)
    roles = check_roles(roles)
    check_password(password)
    with _lock:
        users = load_users(data_dir)
        if name in users:
            raise UserError(f"user {name!r} exists already")
        user = User(name, roles, generate_password_hash(password), dt.date.today().isoformat())
        users[name] = user
        _save(data_dir, users)
    return user


def set_password(data_dir: Path | str, name: str, password: str) -> User:
    """Change a user's password (every session made with the old one ends)."""
    check_password(password)
    with _lock:
        users = load_users(data_dir)
        if name not in users:
            raise UserError(f"no user {name!r}")
        old = users[name]
        users[name] = replace(old, password_hash=generate_password_hash(password))
        _save(data_dir, users)
    return users[name]


def set_roles(data_dir: Path | str, name: str, roles: list[str] | tuple[str, ...]) -> User:
    roles = check_roles(roles)
    with _lock:
        users = load_users(data_dir)
        if name not in users:
            raise UserError(f"no user {name!r}")
        old = users[name]
        users[name] = replace(old, roles=roles)
        _save(data_dir, users)
    return users[name]


def set_memberships(
    data_dir: Path | str,
    name: str,
    *,
    labs: dict[str, str | None] | None = None,
    groups_add: tuple[str, ...] = (),
    groups_remove: tuple[str, ...] = (),
) -> User:
    """Change a user's lab roles (``{lab: role}``; role None leaves the lab) and groups."""
    from kg.namespaces import slug

    with _lock:
        users = load_users(data_dir)
        if name not in users:
            raise UserError(f"no user {name!r}")
        old = users[name]
        current = dict(old.labs)
        for lab, role in (labs or {}).items():
            if role is None:
                current.pop(slug(lab), None)
            elif role not in LAB_ROLES:
                raise UserError(f"lab role {role!r}: use one of {', '.join(LAB_ROLES)}")
            else:
                current[slug(lab)] = role
        groups = (set(old.groups) | {slug(g) for g in groups_add}) - {slug(g) for g in groups_remove}
        users[name] = replace(old, labs=tuple(sorted(current.items())), groups=tuple(sorted(groups)))
        _save(data_dir, users)
    return users[name]


def remove_user(data_dir: Path | str, name: str) -> None:
    """Remove a user (the decisions they recorded keep their name)."""
    with _lock:
        users = load_users(data_dir)
        if name not in users:
            raise UserError(f"no user {name!r}")
        del users[name]
        _save(data_dir, users)


def get_user(data_dir: Path | str, name: str) -> User | None:
    return load_users(data_dir).get(name)


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, so they cost what a wrong password costs."""
    return generate_password_hash("crosswalk-not-a-password")


def verify(data_dir: Path | str, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (also for an unknown name)."""
    user = load_users(data_dir).get(name or "")
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
