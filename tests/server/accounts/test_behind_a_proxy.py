"""Behind a reverse proxy, per-address limits count the person's address, not the proxy's,
and only when the proxy is trusted: anyone else's X-Forwarded-For is ignored."""

from __future__ import annotations

import httpx

from tests.server.accounts.helpers import b64


def failed_sign_ins(url: str, count: int, forwarded_for: str, first: int = 0) -> list[int]:
    with httpx.Client(base_url=url) as client:
        return [
            client.post(
                "/api/auth/sign-in",
                json={"email": f"guess{first + i}@example.org", "auth_key": b64(32)},
                headers={"x-forwarded-for": forwarded_for},
            ).status_code
            for i in range(count)
        ]


def test_a_trusted_proxy_passes_on_each_persons_address(serve):
    url = serve(TEND_TRUSTED_PROXIES="127.0.0.1")
    assert failed_sign_ins(url, 31, "203.0.113.1") == [401] * 30 + [429]
    assert failed_sign_ins(url, 1, "203.0.113.2", first=99) == [401], (
        "someone else is not locked out"
    )


def test_without_a_trusted_proxy_the_header_changes_nothing(serve):
    url = serve()
    statuses = [failed_sign_ins(url, 1, f"203.0.113.{i}", first=i)[0] for i in range(31)]
    assert statuses == [401] * 30 + [429], "a made-up X-Forwarded-For does not dodge the limit"
