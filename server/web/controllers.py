"""Serves the PWA: rendered entry files, versioned assets, and the shell for navigations."""

from __future__ import annotations

from litestar import Controller, HttpMethod, Request, Response, route
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server.lib.routes import get
from server.web.build import SERVICE_WORKER, SHELL, PwaFiles, StaticFile

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
BUILD_HEADER = "x-tend-build"
PRECOMPRESSED = "precompressed"  # the CompressionConfig's exclude_opt_key


def provide_pwa(state: State) -> PwaFiles:
    return state.pwa


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named (or ``*`` when it is not named) with a
    q-value above 0 (RFC 9110 §12.5.3)."""
    qualities: dict[str, float] = {}
    for coding in accept_encoding.split(","):
        name, _, params = coding.partition(";")
        quality = params.strip().removeprefix("q=") if "q=" in params else "1"
        try:
            qualities[name.strip().lower()] = float(quality)
        except ValueError:
            qualities[name.strip().lower()] = 0.0
    for name in ("gzip", "x-gzip", "*"):
        if name in qualities:
            return qualities[name] > 0
    return False


def file_response(
    request: Request, file: StaticFile, cache_control: str, build: str
) -> Response[bytes]:
    """The file (gzipped ahead of time when the browser takes gzip), or 304 when the browser
    already holds this exact content in either form.

    ``X-Tend-Build`` names the build the bytes belong to: the service worker precaches
    only files of its own build, and keeps a page on its build until the person reloads.
    """
    gzipped = file.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding", ""))
    headers = {
        "etag": file.gzip_etag if gzipped else file.etag,
        "cache-control": cache_control,
        "vary": "Accept-Encoding",
        BUILD_HEADER: build,
    }
    known = request.headers.get("if-none-match", "")
    for etag in (file.etag, file.gzip_etag):
        if etag and etag in known:
            return Response(b"", status_code=304, headers={**headers, "etag": etag})
    if gzipped:
        headers["content-encoding"] = "gzip"
    body = file.gzipped if gzipped else file.content
    return Response(body, media_type=file.content_type, headers=headers)


def is_navigation(request: Request) -> bool:
    """A page load: the browser's own, or one the service worker re-issues (which keeps
    the ``Accept`` header but is no longer ``Sec-Fetch-Mode: navigate``)."""
    accept = request.headers.get("accept", "")
    return request.headers.get("sec-fetch-mode") == "navigate" or "text/html" in accept


class PwaController(Controller):
    """The installable app: never cached long except under a versioned URL."""

    include_in_schema = False
    # Compressed once per build (server/web/build.py), so the app's compression skips it.
    opt = {PRECOMPRESSED: True}
    dependencies = {"pwa": Provide(provide_pwa, sync_to_thread=False)}

    @get("/sw.js", sync_to_thread=False)
    def service_worker(self, request: Request, pwa: NamedDependency[PwaFiles]) -> Response[bytes]:
        build = pwa.current()
        return file_response(request, build.entry(SERVICE_WORKER), NO_CACHE, build.version)

    @get(["/manifest.webmanifest", "/offline.html"], sync_to_thread=False)
    def entry(self, request: Request, pwa: NamedDependency[PwaFiles]) -> Response[bytes]:
        build = pwa.current()
        name = request.url.path.lstrip("/")
        return file_response(request, build.entry(name), NO_CACHE, build.version)

    @get("/v/{version:str}/{path:path}", sync_to_thread=False)
    def asset(
        self,
        request: Request,
        pwa: NamedDependency[PwaFiles],
        version: FromPath[str],
        path: FromPath[str],
    ) -> Response[bytes]:
        build = pwa.current()
        file = build.asset(path.lstrip("/"))
        if file is None:
            raise NotFoundException()
        # An old version's URL gets today's file, but only for this once: never cached long.
        cache_control = IMMUTABLE if version == build.version else NO_CACHE
        return file_response(request, file, cache_control, build.version)

    @route(
        ["/", "/{path:path}"],
        http_method=[
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.POST,
            HttpMethod.PUT,
            HttpMethod.PATCH,
            HttpMethod.DELETE,
        ],
        status_code=200,
        sync_to_thread=False,
    )
    def shell(
        self, request: Request, pwa: NamedDependency[PwaFiles], path: FromPath[str] = "/"
    ) -> Response[bytes]:
        """The app shell for any page of the app; a JSON 404 for anything else."""
        reads = request.method in (HttpMethod.GET, HttpMethod.HEAD)
        wanted = reads and (path == "/" or is_navigation(request))
        if not wanted or path == "/api" or path.startswith("/api/"):
            raise NotFoundException()
        build = pwa.current()
        response = file_response(request, build.entry(SHELL), NO_CACHE, build.version)
        response.headers["vary"] = "Accept, Sec-Fetch-Mode, Accept-Encoding"
        return response
