"""Route decorators shared by the domains."""

from __future__ import annotations

from functools import partial

from litestar import HttpMethod, route

# A GET route that answers HEAD too (uptime checks and caches use it; Litestar sends no body).
get = partial(route, http_method=[HttpMethod.GET, HttpMethod.HEAD])
