"""Guards by role. Relationship checks (own organisation, own supervisees) live in the
services' queries, which never return another organisation's rows."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from server.accounts.schemas import Role
from server.accounts.sessions import AuthUser


def requires(role: Role):
    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        # Not ``connection.user``: it raises when authentication was skipped (OPTIONS).
        user = connection.scope.get("user")
        if not isinstance(user, AuthUser) or not user.has(role):
            raise PermissionDeniedException("This is not part of what you can do in Tend.")

    guard.__name__ = f"requires_{role}"
    return guard
