"""Security headers on every response, errors and 404s included.

Documents (pages, API answers, errors, SVG, the service worker) carry the whole set. The
PWA's stylesheets, scripts, raster images and manifest carry only the headers that act on a
subresource (nosniff, CORP, Referrer-Policy, HSTS): a CSP, Permissions-Policy or frame
policy applies to documents and workers alone, and over HTTP/1.1 repeating them on each of
the first load's files cost about 11 KB of its 100 KB budget. A worker's policy is the one
on its own script, so `/sw.js` keeps the whole set; the scripts it imports do not need it.
"""

from __future__ import annotations

import re

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from server.settings import ServerSettings

# Tend builds its pages with DOM calls, never HTML strings. Trusted Types make every
# string-to-HTML or script-URL sink throw, save through the one policy "tend", which only
# vouches for the service worker's fixed URL (pwa/js/trusted.js).
_CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # data: for the invitation QR codes the API draws as SVG (images cannot run script).
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    "trusted-types tend",
)
_PERMISSIONS = (
    "accelerometer=()",
    "autoplay=()",
    "browsing-topics=()",
    "camera=()",
    "display-capture=()",
    "encrypted-media=()",
    "geolocation=()",
    "gyroscope=()",
    "hid=()",
    "idle-detection=()",
    "magnetometer=()",
    "microphone=()",
    "midi=()",
    "payment=()",
    "picture-in-picture=()",
    "publickey-credentials-get=()",
    "serial=()",
    "usb=()",
    "xr-spatial-tracking=()",
)
HSTS = "max-age=63072000; includeSubDomains"
# Types that a browser never renders as a document of its own (SVG can hold script: not here).
_SUBRESOURCE_TYPES = (
    b"text/css",
    b"text/javascript",
    b"application/javascript",
    b"application/manifest+json",
    b"image/png",
    b"image/webp",
    b"image/x-icon",
    b"font/woff2",
)
_SUBRESOURCE_HEADERS = (
    b"x-content-type-options",
    b"cross-origin-resource-policy",
    b"referrer-policy",
    b"strict-transport-security",
)
_WORKER_PATH = "/sw.js"


def security_headers(server: ServerSettings) -> list[tuple[bytes, bytes]]:
    """The headers Tend adds to every response; HSTS only when served over HTTPS."""
    csp = "; ".join((*_CSP, "upgrade-insecure-requests") if server.is_https else _CSP)
    headers = {
        "content-security-policy": csp,
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "permissions-policy": ", ".join(_PERMISSIONS),
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
    }
    if server.is_https:
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeadersMiddleware:
    """Adds :func:`security_headers` to every HTTP response, replacing any duplicates."""

    def __init__(self, app: ASGIApp, server: ServerSettings) -> None:
        self.app = app
        self.headers = security_headers(server)
        self.names = {name for name, _ in self.headers}
        self.subresource_headers = [h for h in self.headers if h[0] in _SUBRESOURCE_HEADERS]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # As Litestar routes it (doubled and trailing slashes do not count), and under any
        # root path: more headers than needed is the safe way to be wrong.
        path = scope["path"]
        worker = "sw.js" in path and re.sub(r"/+", "/", path).rstrip("/").endswith(_WORKER_PATH)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                kept = [h for h in headers if h[0].lower() not in self.names]
                added = self.headers
                if not worker and _is_subresource(headers):
                    added = self.subresource_headers
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_subresource(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.split(b";", 1)[0].strip().lower() in _SUBRESOURCE_TYPES
    return False
