"""Serves the PWA: rendered entry files, versioned assets, and the shell for navigations."""

from __future__ import annotations

from litestar import Controller, HttpMethod, Request, Response, get, route
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from server.web.build import SERVICE_WORKER, SHELL, PwaFiles, StaticFile

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def provide_pwa(state: State) -> PwaFiles:
    return state.pwa


def file_response(request: Request, file: StaticFile, cache_control: str) -> Response[bytes]:
    """The file, or 304 when the browser already holds this exact content."""
    headers = {"etag": file.etag, "cache-control": cache_control}
    if file.etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(file.content, media_type=file.content_type, headers=headers)


def is_navigation(request: Request) -> bool:
    mode = request.headers.get("sec-fetch-mode")
    if mode is not None:
        return mode == "navigate"
    return "text/html" in request.headers.get("accept", "")


class PwaController(Controller):
    """The installable app: never cached long except under a versioned URL."""

    include_in_schema = False
    dependencies = {"pwa": Provide(provide_pwa, sync_to_thread=False)}

    @get("/sw.js", sync_to_thread=False)
    def service_worker(self, request: Request, pwa: NamedDependency[PwaFiles]) -> Response[bytes]:
        return file_response(request, pwa.current().entry(SERVICE_WORKER), NO_CACHE)

    @get(["/manifest.webmanifest", "/offline.html"], sync_to_thread=False)
    def entry(self, request: Request, pwa: NamedDependency[PwaFiles]) -> Response[bytes]:
        return file_response(request, pwa.current().entry(request.url.path.lstrip("/")), NO_CACHE)

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
        return file_response(request, file, IMMUTABLE if version == build.version else NO_CACHE)

    @route(
        ["/", "/{path:path}"],
        http_method=[
            HttpMethod.GET,
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
        wanted = request.method == HttpMethod.GET and (path == "/" or is_navigation(request))
        if not wanted or path == "/api" or path.startswith("/api/"):
            raise NotFoundException()
        response = file_response(request, pwa.current().entry(SHELL), NO_CACHE)
        response.headers["vary"] = "Accept, Sec-Fetch-Mode"
        return response
