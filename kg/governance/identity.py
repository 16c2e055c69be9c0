"""Who is asking: an :class:`Identity`, whatever proved it (password session, API token, or an
OIDC provider added later).

The web app asks each :class:`IdentityProvider` in turn (``app.auth``): the first that
recognises the request gives the identity; none gives :data:`ANONYMOUS`. A provider only has
to map what it verified to a name, global roles, lab memberships and groups, so an OIDC
provider is one more class that reads claims (``roles``, ``labs``, ``groups``) from a verified
ID token; nothing downstream changes.

Roles:

* anonymous: no identity; sees public data (and embargoes past their date);
* lab member (``labs[lab] == "member"``): also the lab's internal and embargoed records;
* steward (``labs[lab] == "steward"``): everything of the lab, restricted records included;
* lab admin (``labs[lab] == "admin"``): a steward who also sets the lab's access policies;
* curator (global role): may decide on mappings and links (of what they can see);
* admin (global role): everything, every policy, the audit log.

Groups (``groups``) are named sets of people a restricted record can be shared with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

GLOBAL_ROLES = ("admin", "curator")
LAB_ROLES = ("member", "steward", "admin")


@dataclass(frozen=True)
class Identity:
    name: str = ""
    roles: frozenset[str] = frozenset()
    labs: Mapping[str, str] = field(default_factory=dict)  # lab id -> member | steward | admin
    groups: frozenset[str] = frozenset()
    via: str = "anonymous"  # anonymous | password | token | oidc

    @property
    def anonymous(self) -> bool:
        return not self.name

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_role(self, role: str) -> bool:
        """A global role; ``admin`` holds every role."""
        return role in self.roles or self.is_admin

    def lab_role(self, lab: str) -> str | None:
        return self.labs.get(lab)

    def cache_key(self) -> tuple[object, ...]:
        """What visibility depends on (two callers with equal keys see the same graphs)."""
        return (self.is_admin, tuple(sorted(self.labs.items())), tuple(sorted(self.groups)))

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        if self.anonymous:
            return "anonymous"
        return f"token:{self.name}" if self.via == "token" else self.name


ANONYMOUS = Identity()


class IdentityProvider(Protocol):
    """Something that can tell who sent a request (a password session, a bearer token, OIDC)."""

    def identify(self, request: object) -> Identity | None:
        """The caller's identity, None when this provider does not recognise the request.
        Raise PermissionError for credentials it recognises but refuses (a revoked token)."""
        ...
