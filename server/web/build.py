"""The PWA as the server sees it: its files, a version that changes with any of them, and
the precache list the service worker installs — derived from the files, never hand-kept.

Entry files (``index.html``, ``offline.html``, ``manifest.webmanifest``, ``sw.js``) keep fixed
URLs and are rendered: ``{{ASSET_ROOT}}`` becomes ``/v/<version>`` and, in ``sw.js``,
``{{BUILD_JSON}}`` becomes the version and precache list. Every other file is served under
``/v/<version>/<path>``, so its URL changes whenever the build does and it can be cached
for a year; relative ES-module imports stay inside the same version.

Text files are gzipped once, when the build is read, so that no request pays to compress
the same bytes again (see ``docs/performance.md``).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

SHELL = "index.html"
ENTRY_FILES = {
    SHELL: "/",
    "offline.html": "/offline.html",
    "manifest.webmanifest": "/manifest.webmanifest",
}
SERVICE_WORKER = "sw.js"
SERVICE_WORKER_DIR = "sw/"  # loaded by sw.js through importScripts, not precached
# Fetched when first needed, not precached: the password-strength dictionary (≈250 KB
# gzipped) serves only screens that set a password, and those need the server anyway.
ON_DEMAND = ("vendor/zxcvbn-ts/",)
ASSET_PREFIX = "/v"

# Litestar adds "; charset=utf-8" to text types itself.
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain",
    ".woff2": "font/woff2",
}
# Worth gzipping; PNG and WOFF2 are compressed already.
_COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "image/svg+xml")


class BuildInfo(msgspec.Struct, frozen=True):
    """What ``sw.js`` is told: the build's version and the URLs it must precache."""

    version: str
    precache: list[str]


@dataclass(frozen=True)
class StaticFile:
    """One file as served: its bytes and, for text, the same bytes gzipped ahead of time.

    Each representation has its own strong ETag (RFC 9110 §8.8.3), as nginx and Apache do.
    """

    path: str
    content: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None
    gzip_etag: str | None = None


@dataclass(frozen=True)
class Build:
    """One consistent snapshot of the PWA folder."""

    version: str
    files: dict[str, bytes]
    rendered: dict[str, StaticFile] = field(default_factory=dict)
    assets: dict[str, StaticFile] = field(default_factory=dict)

    @property
    def asset_root(self) -> str:
        return f"{ASSET_PREFIX}/{self.version}"

    @property
    def info(self) -> BuildInfo:
        assets = [
            f"{self.asset_root}/{path}"
            for path in sorted(self.files)
            if path not in ENTRY_FILES
            and path != SERVICE_WORKER
            and not path.startswith((SERVICE_WORKER_DIR, *ON_DEMAND))
        ]
        return BuildInfo(version=self.version, precache=[*ENTRY_FILES.values(), *assets])

    def entry(self, name: str) -> StaticFile:
        """A rendered entry file (the shell, offline page, manifest or service worker)."""
        return self.rendered[name]

    def asset(self, path: str) -> StaticFile | None:
        """A file under the PWA folder, served as it is, or None."""
        return self.assets.get(path)


class PwaFiles:
    """Reads the PWA folder and rebuilds only when a file is added, removed or changed.

    The check costs one ``stat`` per file, so a running server picks up edits (and hands
    browsers a new service worker) without a restart.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._build: Build | None = None

    def current(self) -> Build:
        signature = self._stat_signature()
        with self._lock:
            if self._build is None or signature != self._signature:
                self._build = self._read()
                self._signature = signature
            return self._build

    def _paths(self) -> list[Path]:
        return sorted(
            p
            for p in self.root.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(self.root).parts)
        )

    def _stat_signature(self) -> tuple:
        return tuple(
            (str(p), stat.st_mtime_ns, stat.st_size) for p in self._paths() for stat in (p.stat(),)
        )

    def _read(self) -> Build:
        files = {p.relative_to(self.root).as_posix(): p.read_bytes() for p in self._paths()}
        digest = hashlib.sha256()
        for path, content in sorted(files.items()):
            digest.update(path.encode() + b"\0" + hashlib.sha256(content).digest())
        build = Build(version=digest.hexdigest()[:16], files=files)
        replacements = {
            "{{ASSET_ROOT}}": build.asset_root,
            "{{BUILD_JSON}}": msgspec.json.encode(build.info).decode(),
        }
        for name in (*ENTRY_FILES, SERVICE_WORKER):
            text = files[name].decode()
            for token, value in replacements.items():
                text = text.replace(token, value)
            build.rendered[name] = _static(name, text.encode())
        for path, content in files.items():
            if path not in ENTRY_FILES and path != SERVICE_WORKER:
                build.assets[path] = _static(path, content)
        return build


def _static(path: str, content: bytes) -> StaticFile:
    suffix = Path(path).suffix
    content_type = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    tag = hashlib.sha256(content).hexdigest()[:24]
    gzipped = None
    if content_type.startswith(_COMPRESSIBLE):
        # mtime=0: the same file always gives the same bytes (and the same ETag).
        smaller = gzip.compress(content, compresslevel=9, mtime=0)
        gzipped = smaller if len(smaller) < len(content) else None
    return StaticFile(
        path=path,
        content=content,
        content_type=content_type,
        etag=f'"{tag}"',
        gzipped=gzipped,
        gzip_etag=f'"{tag}-gzip"' if gzipped is not None else None,
    )
