"""What handlers need to know about a request: who sent it, from where, and same-origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Request

from server.accounts.audit import Client, describe_device
from server.lib.errors import AppError
from server.settings import Settings

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def client_of(request: Request) -> Client:
    ip = request.client.host if request.client else ""
    return Client(ip=ip[:45], device=describe_device(request.headers.get("user-agent", "")))


async def require_same_origin(request: Request) -> None:
    """Refuse state-changing API requests that a browser says came from another site.

    Browsers send ``Origin`` (and ``Sec-Fetch-Site``) with every such request; a page on
    another site cannot make them say otherwise. Tools that send neither are not browsers,
    so cannot be tricked into riding on someone's cookie.
    """
    if request.method not in UNSAFE or not request.url.path.startswith("/api/"):
        return
    settings: Settings = request.app.state.settings
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    allowed = {_origin(settings.server.public_url)}
    host = request.headers.get("host")
    if host:
        allowed.add(f"{urlsplit(settings.server.public_url).scheme}://{host}")
    if (site is not None and site not in ("same-origin", "none")) or (
        origin is not None and origin not in allowed
    ):
        raise AppError(
            "Tend only accepts this from its own pages.", status=403, code="cross_origin"
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
