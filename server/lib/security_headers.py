"""Security headers on every response, errors and 404s included."""

from __future__ import annotations

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if h[0].lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
