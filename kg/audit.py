"""The audit log (issue 6, point 3): every write and every curator decision, who, what and when.

``{data_dir}/audit/audit.jsonl`` holds one JSON object a line, never rewritten, only appended::

    {"seq": 7, "ts": "2026-05-04T09:12:00+00:00", "actor": "ada", "action": "mapping.decide",
     "target": "anl/3f2a…", "detail": {"decision": "accept", …}, "prev": "…", "hash": "…"}

* ``actor`` is a user name of kg.users (the web UI), ``token:<name>`` (an API token) or
  ``cli:<os user>`` (:func:`cli_actor`, from the process's user id, not from ``$USER``);
* ``action`` is a dotted verb: ``mapping.decide``, ``link.decide``, ``ingest.run``, ``user.add``…
* ``prev`` is the sha256 of the previous line's bytes (64 zeros for the first line) and ``hash``
  the sha256 of this entry's canonical JSON without ``hash``: changing, removing or reordering a
  line breaks the chain at the next line, and :func:`verify` names it. (A chain cannot show that
  the newest lines were cut off, or a whole file forged from scratch: compare the head :func:`verify`
  reports with one noted elsewhere for that.)
* appends from any number of processes and threads are serialised by ``fcntl.flock`` on the file,
  written with ``O_APPEND`` in one ``write`` and ``fsync``-ed before :func:`record` returns;
* secrets never enter it: keys of ``detail`` (at any depth) that name a password, secret or
  token (``password``, ``password_hash``, ``client_secret``, ``api_token``…) are dropped.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

GENESIS = "0" * 64
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_SECRET_WORDS = frozenset({"password", "passwd", "secret"})  # anywhere in a key: password_hash
_SECRET_LAST = frozenset({"token", "apikey"})  # as a key's last word: csrf_token, but token_name stays
_BLOCK = 64 * 1024


class AuditError(RuntimeError):
    """The audit log cannot be written or read; the message names the file."""


def log_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / "audit" / "audit.jsonl"


def cli_actor() -> str:
    """``cli:`` and the login name of the user this process runs as (from its user id, which an
    environment variable cannot change)."""
    try:
        import pwd

        name = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no passwd entry (a container's arbitrary uid)
        name = f"uid{os.getuid()}" if hasattr(os, "getuid") else os.environ.get("USERNAME", "unknown")
    return f"cli:{name}"


# --- writing ------------------------------------------------------------------------------------


def _is_secret(key: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()) if w]
    return bool(words) and (bool(_SECRET_WORDS.intersection(words)) or words[-1] in _SECRET_LAST or
                            "".join(words[-2:]) in _SECRET_LAST)  # fmt: skip


def redact(value: Any) -> Any:
    """``value`` with every dict key that names a secret dropped, at any depth; everything else as
    JSON can hold it (tuples and sets as lists, other objects as their ``str``)."""
    if isinstance(value, dict):
        return {str(k): redact(v) for k, v in value.items() if not _is_secret(str(k))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [redact(v) for v in items]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def _last_line(fd: int, size: int) -> bytes:
    """The file's last line (without its newline; a torn last write comes back whole)."""
    end = size
    if end and os.pread(fd, 1, end - 1) == b"\n":
        end -= 1
    chunks: list[bytes] = []
    pos = end
    while pos > 0:
        start = max(0, pos - _BLOCK)
        chunk = os.pread(fd, pos - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            chunks.append(chunk[cut + 1 :])
            break
        chunks.append(chunk)
        pos = start
    return b"".join(reversed(chunks))


def record(data_dir: Path | str, actor: str, action: str, target: str = "", detail: dict | None = None) -> dict:
    """Append one entry and return it. Safe across processes and threads; the line is on disk
    when this returns. Raises ValueError for an empty actor or an action that is not a dotted
    verb, :class:`AuditError` when the file cannot be written."""
    if not actor or not isinstance(actor, str):
        raise ValueError("an audit entry needs an actor")
    if not _ACTION.match(action or ""):
        raise ValueError(f"audit action {action!r} is not a dotted verb like 'mapping.decide'")
    path = log_path(data_dir)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise AuditError(f"{path}: cannot open the audit log: {exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        last = _last_line(fd, size)
        seq = 1
        if last:
            try:
                seq = int(json.loads(last)["seq"]) + 1
            except (ValueError, KeyError, TypeError):  # a damaged last line: still chained to, and verify names it
                seq = _count_lines(fd, size) + 1
        entry: dict[str, Any] = {
            "seq": seq,
            "ts": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "target": str(target or ""),
            "detail": redact(detail or {}),
            "prev": hashlib.sha256(last).hexdigest() if size else GENESIS,
        }
        entry["hash"] = _entry_hash(entry)
        line = _canonical(entry) + b"\n"
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # end a torn line rather than join it; verify reports it
        while line:  # one write for a line of normal size; the loop only if the kernel cuts it short
            line = line[os.write(fd, line) :]
        os.fsync(fd)
        if seq == 1:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise AuditError(f"{path}: cannot append to the audit log: {exc}") from exc
    finally:
        os.close(fd)  # releases the lock
    return entry


def _count_lines(fd: int, size: int) -> int:
    count, pos = 0, 0
    while pos < size:
        chunk = os.pread(fd, min(_BLOCK, size - pos), pos)
        count += chunk.count(b"\n")
        pos += len(chunk)
    return count + (1 if size and os.pread(fd, 1, size - 1) != b"\n" else 0)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- reading ------------------------------------------------------------------------------------


def _lines_backwards(path: Path) -> Iterator[bytes]:
    """The file's lines, last first, read in blocks from the end (a page of the newest entries
    costs the same however long the log is)."""
    with open(path, "rb") as fh:
        pos = fh.seek(0, os.SEEK_END)
        rest = b""
        while pos > 0:
            start = max(0, pos - _BLOCK)
            fh.seek(start)
            data = fh.read(pos - start) + rest
            pos = start
            lines = data.split(b"\n")
            rest = lines[0]
            for line in reversed(lines[1:]):
                if line.strip():
                    yield line
        if rest.strip():
            yield rest


def _matches(entry: dict[str, Any], actor: str | None, action: str | None, target: str | None) -> bool:
    if actor and entry.get("actor") != actor:
        return False
    if action:
        got = str(entry.get("action", ""))
        if got != action and not got.startswith(action.rstrip(".") + "."):
            return False
    return not target or target.casefold() in str(entry.get("target", "")).casefold()


def read(
    data_dir: Path | str,
    *,
    limit: int = 100,
    offset: int = 0,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
) -> list[dict]:
    """Entries newest first. ``actor`` matches exactly; ``action`` exactly or as a family
    (``mapping`` matches ``mapping.decide``); ``target`` as a case-blind substring. Lines that are
    not JSON are skipped here (:func:`verify` reports them)."""
    path = log_path(data_dir)
    if not path.exists() or limit <= 0:
        return []
    found: list[dict] = []
    skip = max(0, offset)
    try:
        for line in _lines_backwards(path):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict) or not _matches(entry, actor, action, target):
                continue
            if skip:
                skip -= 1
                continue
            found.append(entry)
            if len(found) >= limit:
                break
    except OSError as exc:
        raise AuditError(f"{path}: cannot read the audit log: {exc}") from exc
    return found


@dataclass(frozen=True)
class _Verified:
    """How far a log was found intact: its first ``size`` bytes, their sha256, and the chain state."""

    size: int
    digest: str
    prev: str
    count: int
    head: str


_verified: dict[str, _Verified] = {}
_verified_lock = threading.Lock()


def verify(data_dir: Path | str) -> tuple[bool, str]:
    """Check every line's hash, its link to the line before and its sequence number. ``(True,
    "N entries, chain intact, head seq … hash …")`` or ``(False, "… line N: what is wrong")`` for
    the first broken line.

    Parsing is the cost (2 s for 100,000 lines): a process remembers how far it found the log
    intact and the sha256 of those bytes; when they are still the same bytes (hashing them is
    ~30 times cheaper than parsing), only the lines added since are checked."""
    path = log_path(data_dir)
    if not path.exists():
        return True, f"no audit log yet ({path})"
    key = str(path.resolve())
    with _verified_lock:
        known = _verified.get(key)
    digest = hashlib.sha256()
    prev, count, head, size = GENESIS, 0, GENESIS, 0
    try:
        with open(path, "rb") as fh:
            if known is not None and _prefix_digest(fh, known.size, digest) == known.digest:
                prev, count, head, size = known.prev, known.count, known.head, known.size
            else:
                fh.seek(0)
                digest = hashlib.sha256()
            for raw in fh:
                line = raw.rstrip(b"\n")
                number = count + 1
                problem = _check_line(line, number, prev)
                if problem:
                    return False, f"{path} line {number}: {problem}"
                prev, count, head = hashlib.sha256(line).hexdigest(), number, json.loads(line)["hash"]
                if raw.endswith(b"\n"):  # a line still being written is checked, not remembered
                    digest.update(raw)
                    size += len(raw)
    except OSError as exc:
        return False, f"{path}: cannot read the audit log: {exc}"
    with _verified_lock:
        _verified[key] = _Verified(size, digest.hexdigest(), prev, count, head)
    if not count:
        return True, "the audit log is empty"
    return True, f"{count} entries, chain intact; head seq {count} hash {head}"


def _prefix_digest(fh: BinaryIO, size: int, digest: Any) -> str | None:
    """The sha256 of the file's first ``size`` bytes (fed into ``digest``), None when it is shorter."""
    left = size
    while left:
        chunk = fh.read(min(_BLOCK * 16, left))
        if not chunk:
            return None
        digest.update(chunk)
        left -= len(chunk)
    return digest.copy().hexdigest()


def _check_line(line: bytes, number: int, prev: str) -> str | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return "not a JSON object (a torn write, or edited by hand)"
    if not isinstance(entry, dict):
        return "not a JSON object"
    if entry.get("seq") != number:
        return f"sequence number {entry.get('seq')!r}, expected {number} (a line removed or inserted before it?)"
    if entry.get("prev") != prev:
        return "does not follow the line before it (that line, or this link, was changed)"
    if entry.get("hash") != _entry_hash(entry):
        return "its content does not match its hash (the entry was changed)"
    return None
