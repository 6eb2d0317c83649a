"""Settings, read from ``TEND_*`` environment variables and an optional ``.env`` file.

Each concern has its own frozen msgspec Struct. Field names are renamed to the environment
variable that sets them, so a validation error's path *is* the variable's name.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

import msgspec
from dotenv import dotenv_values

PACKAGE_DIR = Path(__file__).resolve().parent

Port = Annotated[int, msgspec.Meta(ge=1, le=65535)]
BodyLimit = Annotated[int, msgspec.Meta(ge=1024, le=64 * 1024 * 1024)]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(Exception):
    """A setting has a value Tend cannot use. The message names the variable."""


class ServerSettings(
    msgspec.Struct,
    frozen=True,
    rename={
        "host": "TEND_HOST",
        "port": "TEND_PORT",
        "public_url": "TEND_PUBLIC_URL",
        "max_body_bytes": "TEND_MAX_BODY_BYTES",
        "trusted_proxies": "TEND_TRUSTED_PROXIES",
    },
):
    """Where Tend listens and how it is reached.

    ``trusted_proxies``: addresses of reverse proxies whose ``X-Forwarded-For`` tells who
    is really asking (comma-separated, or ``*``). Without it, behind a proxy every request
    would seem to come from the proxy, and per-address rate limits would be shared by all.
    """

    host: str = "127.0.0.1"
    port: Port = 8000
    public_url: str = ""
    max_body_bytes: BodyLimit = 1024 * 1024
    trusted_proxies: Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Fa-f.:/*, ]*$")] = ""

    @property
    def is_https(self) -> bool:
        return self.public_url.startswith("https://")


class DatabaseSettings(
    msgspec.Struct,
    frozen=True,
    rename={"url": "TEND_DATABASE_URL", "migrate_on_start": "TEND_MIGRATE_ON_START"},
):
    """Which database, and whether ``tend serve`` applies migrations at start."""

    url: str = ""
    migrate_on_start: bool = True

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite:///")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))


class LogSettings(
    msgspec.Struct,
    frozen=True,
    rename={"level": "TEND_LOG_LEVEL", "format": "TEND_LOG_FORMAT"},
):
    """How much to log, and whether as JSON lines or readable text."""

    level: LogLevel = "INFO"
    format: Literal["json", "text"] = "json"


class AccountSettings(
    msgspec.Struct,
    frozen=True,
    rename={
        "secure_cookies": "TEND_SECURE_COOKIES",
        "session_idle_hours": "TEND_SESSION_IDLE_HOURS",
        "session_max_days": "TEND_SESSION_MAX_DAYS",
        "invitation_days": "TEND_INVITATION_DAYS",
    },
):
    """Sign-in sessions and invitations.

    ``secure_cookies`` is left unset to mean "secure unless Tend is served over plain HTTP
    on this machine" (development); it may only be turned off for such an address.
    """

    secure_cookies: bool | None = None
    session_idle_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 90)] = 24 * 7
    session_max_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30
    invitation_days: Annotated[int, msgspec.Meta(ge=1, le=60)] = 7


class SyncSettings(
    msgspec.Struct,
    frozen=True,
    rename={
        "max_record_bytes": "TEND_SYNC_MAX_RECORD_BYTES",
        "quota_bytes": "TEND_SYNC_QUOTA_BYTES",
    },
):
    """Limits on each person's encrypted records: one record's size, and all of them."""

    max_record_bytes: Annotated[int, msgspec.Meta(ge=1024, le=16 * 1024 * 1024)] = 256 * 1024
    quota_bytes: Annotated[int, msgspec.Meta(ge=64 * 1024)] = 100 * 1024 * 1024


class ReflectionSettings(
    msgspec.Struct, frozen=True, rename={"instrument": "TEND_REFLECTION_INSTRUMENT"}
):
    """The monthly reflection's questionnaire: a data file (see docs/reflection.md);
    empty means Tend's own."""

    instrument: str = ""


class PushSettings(
    msgspec.Struct,
    frozen=True,
    rename={
        "subject": "TEND_PUSH_SUBJECT",
        "vapid_key_file": "TEND_VAPID_KEY_FILE",
        "dispatcher": "TEND_DISPATCHER",
        "per_service_limit": "TEND_PUSH_CONCURRENCY",
        "hosts": "TEND_PUSH_HOSTS",
    },
):
    """Web Push reminders.

    ``subject`` is the contact push services may use (``mailto:`` or ``https:``); empty
    means the public URL when it is https. ``vapid_key_file`` is a PEM (P-256, PKCS8) file
    readable only by its owner; empty means a key kept in the database, made on first start
    (``tend vapid`` shows it, ``tend vapid --rotate`` replaces it). ``dispatcher`` off means
    this process does not send: run ``tend worker`` processes instead. ``hosts`` are the
    push services Tend will send to (a host, and its subdomains): a subscription's endpoint
    comes from a browser, so without this list anyone could make the server call any
    address, internal ones included.
    """

    subject: str = ""
    vapid_key_file: str = ""
    dispatcher: bool = True
    per_service_limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 64
    hosts: str = (
        "fcm.googleapis.com,updates.push.services.mozilla.com,push.apple.com,notify.windows.com"
    )

    def allows(self, host: str) -> bool:
        """Whether Tend sends to this push service host."""
        host = host.lower().rstrip(".")
        allowed = (h.strip().lower() for h in self.hosts.split(","))
        return any(h and (host == h or host.endswith(f".{h}")) for h in allowed)


class RedisSettings(msgspec.Struct, frozen=True, rename={"url": "TEND_REDIS_URL"}):
    """Redis, shared by several instances for rate limits; off when empty."""

    url: str = ""


class MetricsSettings(msgspec.Struct, frozen=True, rename={"token": "TEND_METRICS_TOKEN"}):
    """``/metrics`` in Prometheus' text format, for a scraper holding this bearer token;
    off (the address does not exist) when empty."""

    token: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._~+/=-]{32,256}$")] = ""


class PathSettings(
    msgspec.Struct, frozen=True, rename={"data": "TEND_DATA_DIR", "pwa": "TEND_PWA_DIR"}
):
    """Where Tend keeps its data and finds the PWA's files."""

    data: str = "data"
    pwa: str = ""

    @property
    def data_dir(self) -> Path:
        return Path(self.data)

    @property
    def pwa_dir(self) -> Path:
        return Path(self.pwa)


class Settings(msgspec.Struct, frozen=True):
    """All of Tend's settings, one Struct per concern."""

    paths: PathSettings = PathSettings()
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    log: LogSettings = LogSettings()
    accounts: AccountSettings = AccountSettings()
    redis: RedisSettings = RedisSettings()
    sync: SyncSettings = SyncSettings()
    reflection: ReflectionSettings = ReflectionSettings()
    push: PushSettings = PushSettings()
    metrics: MetricsSettings = MetricsSettings()


_SECTIONS: dict[str, type[msgspec.Struct]] = {
    "paths": PathSettings,
    "server": ServerSettings,
    "database": DatabaseSettings,
    "log": LogSettings,
    "accounts": AccountSettings,
    "redis": RedisSettings,
    "sync": SyncSettings,
    "reflection": ReflectionSettings,
    "push": PushSettings,
    "metrics": MetricsSettings,
}

_HINTS = {
    "TEND_DATABASE_URL": "use sqlite:///path/to/tend.sqlite3 or postgresql://user@host:5432/name",
    "TEND_PUBLIC_URL": "use the address people open, such as https://tend.example.org",
    "TEND_PORT": "use a whole number from 1 to 65535",
    "TEND_MAX_BODY_BYTES": "use a whole number of bytes from 1024 to 67108864",
    "TEND_TRUSTED_PROXIES": "use the proxy's addresses, comma-separated, such as 127.0.0.1",
    "TEND_LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "TEND_LOG_FORMAT": "use json or text",
    "TEND_MIGRATE_ON_START": "use true or false",
    "TEND_SECURE_COOKIES": (
        "leave it unset; false is only for plain-HTTP addresses on this machine (development)"
    ),
    "TEND_SESSION_IDLE_HOURS": "use a whole number of hours from 1 to 2160",
    "TEND_SESSION_MAX_DAYS": "use a whole number of days from 1 to 365",
    "TEND_INVITATION_DAYS": "use a whole number of days from 1 to 60",
    "TEND_SYNC_MAX_RECORD_BYTES": "use a whole number of bytes from 1024 to 16777216",
    "TEND_SYNC_QUOTA_BYTES": "use a whole number of bytes, at least 65536",
    "TEND_REDIS_URL": "use redis://host:6379/0 or rediss://… (or leave it unset)",
    "TEND_PUSH_SUBJECT": "use mailto:someone@example.org or an https:// address",
    "TEND_VAPID_KEY_FILE": "use the path of a P-256 private key in PEM, readable only by its owner",
    "TEND_DISPATCHER": "use true or false",
    "TEND_PUSH_CONCURRENCY": "use a whole number from 1 to 1000",
    "TEND_PUSH_HOSTS": "use push service host names, comma-separated",
    "TEND_METRICS_TOKEN": (
        "use a random token of 32 to 256 letters, digits or -._~+/= "
        "(such as the output of openssl rand -hex 32), or leave it unset"
    ),
}
_SECRET_BEARING = {"TEND_DATABASE_URL", "TEND_REDIS_URL"}
_SECRETS = {"TEND_METRICS_TOKEN"}  # never shown, not even in part
_NOT_SETTINGS = {
    "TEND_TEST_DATABASE_URL",
    "TEND_TEST_REDIS_URL",
    "TEND_REQUIRE_BROWSER",
    "TEND_REQUIRE_REDIS",
    "TEND_CHROMIUM",
}


def known_variables() -> set[str]:
    """Every environment variable that sets something."""
    names: set[str] = set()
    for section in _SECTIONS.values():
        names.update(field.encode_name for field in msgspec.structs.fields(section))
    return names


def unknown_variables(environ: Mapping[str, str]) -> dict[str, str | None]:
    """``TEND_*`` names that set nothing, each with the closest known name if any."""
    known = known_variables()
    return {
        name: next(iter(difflib.get_close_matches(name, known, n=1)), None)
        for name in environ
        if name.startswith("TEND_") and name not in known and name not in _NOT_SETTINGS
    }


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (a URL that cannot be parsed: hidden)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<a URL that cannot be read>"
    if password is None and "password=" not in parts.query:
        return url
    if password is None:
        return urlunsplit(parts._replace(query="***"))
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc, query="***" if parts.query else ""))


def read_environment(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> dict[str, str]:
    """``TEND_*`` variables from ``env_file`` (if it exists), overridden by ``environ``."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return {k: v for k, v in merged.items() if k.startswith("TEND_")}


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read and validate settings.

    Raises:
        SettingsError: with one line naming the variable and what would work instead.
    """
    env = read_environment(environ, env_file)
    if "TEND_LOG_LEVEL" in env:
        env["TEND_LOG_LEVEL"] = env["TEND_LOG_LEVEL"].upper()
    sections: dict[str, Any] = {}
    for name, section in _SECTIONS.items():
        wanted = {field.encode_name for field in msgspec.structs.fields(section)}
        values = {k: v for k, v in env.items() if k in wanted and v != ""}
        try:
            sections[name] = msgspec.convert(values, section, strict=False)
        except msgspec.ValidationError as error:
            raise _explain(error, env) from None
    settings = Settings(**sections)
    _check_instrument(settings.reflection)
    return _resolve_defaults(settings, env)


def _check_instrument(reflection: ReflectionSettings) -> None:
    from server.reflection.instrument import InstrumentError, load_instrument

    if reflection.instrument:
        try:
            load_instrument(reflection.instrument)
        except InstrumentError as error:
            raise SettingsError(f"TEND_REFLECTION_INSTRUMENT: {error}") from None


def _explain(error: msgspec.ValidationError, env: Mapping[str, str]) -> SettingsError:
    match = re.search(r"at `\$\.(TEND_\w+)`", str(error))
    if match is None:  # pragma: no cover - every field is renamed to its variable
        return SettingsError(f"invalid settings: {error}")
    name = match.group(1)
    value = env.get(name, "")
    shown = redact_url(value) if name in _SECRET_BEARING else value
    shown = "***" if name in _SECRETS else shown
    detail = str(error).split(" - at ")[0]
    hint = _HINTS.get(name, detail[0].lower() + detail[1:])
    return SettingsError(f"{name}={shown!r} is not valid: {hint}")


def _resolve_defaults(settings: Settings, env: Mapping[str, str]) -> Settings:
    paths = settings.paths
    pwa_dir = paths.pwa_dir if paths.pwa else _default_pwa_dir()
    if not (pwa_dir / "index.html").is_file():
        raise SettingsError(f"TEND_PWA_DIR={str(pwa_dir)!r} is not valid: it has no index.html")
    paths = msgspec.structs.replace(paths, pwa=str(pwa_dir.resolve()))

    database = settings.database
    url = database.url or f"sqlite:///{paths.data_dir / 'tend.sqlite3'}"
    if not _usable_database_url(url):
        raise _invalid("TEND_DATABASE_URL", url)
    database = msgspec.structs.replace(database, url=url)

    server = settings.server
    public_url = server.public_url or f"http://{server.host}:{server.port}"
    try:
        parts = urlsplit(public_url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        usable = False
    if not usable:
        raise _invalid("TEND_PUBLIC_URL", public_url)
    server = msgspec.structs.replace(server, public_url=public_url.rstrip("/"))

    accounts = settings.accounts
    local_http = not server.is_https and _is_loopback(parts.hostname or "")
    if accounts.secure_cookies is None:
        accounts = msgspec.structs.replace(accounts, secure_cookies=not local_http)
    elif accounts.secure_cookies is False and not local_http:
        raise _invalid("TEND_SECURE_COOKIES", "false")
    if not server.is_https and not local_http:
        raise SettingsError(
            f"TEND_PUBLIC_URL={public_url!r} is not valid: people must reach Tend over "
            "https:// unless it runs on this machine only (localhost or 127.0.0.1)"
        )

    redis = settings.redis
    if redis.url and urlsplit(redis.url).scheme not in ("redis", "rediss", "unix"):
        raise _invalid("TEND_REDIS_URL", redis.url)
    push = settings.push
    subject = push.subject or (
        server.public_url if server.is_https else "mailto:tend@localhost.invalid"
    )
    if not subject.startswith(("mailto:", "https://")):
        raise _invalid("TEND_PUSH_SUBJECT", subject)
    if push.vapid_key_file:
        _check_key_file(Path(push.vapid_key_file))
    push = msgspec.structs.replace(push, subject=subject)
    return msgspec.structs.replace(
        settings, paths=paths, database=database, server=server, accounts=accounts, push=push
    )


def _check_key_file(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        raise SettingsError(
            f"TEND_VAPID_KEY_FILE={str(path)!r} is not valid: no such file"
        ) from None
    if mode & 0o077:
        raise SettingsError(
            f"TEND_VAPID_KEY_FILE={str(path)!r} is not valid: others can read it; "
            f"run chmod 600 {path}"
        )


def _is_loopback(hostname: str) -> bool:
    return hostname in ("localhost", "::1") or hostname.startswith("127.")


def _usable_database_url(url: str) -> bool:
    """A SQLite file path (not ``:memory:``, which each connection would see afresh), or
    a PostgreSQL URL with a host and a database name."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return bool(path) and ":memory:" not in path and "?" not in path
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    return (
        parts.scheme in ("postgresql", "postgres") and bool(parts.hostname) and len(parts.path) > 1
    )


def _invalid(name: str, value: str) -> SettingsError:
    shown = redact_url(value) if name in _SECRET_BEARING else value
    return SettingsError(f"{name}={shown!r} is not valid: {_HINTS[name]}")


def _default_pwa_dir() -> Path:
    """The checkout's ``pwa/`` folder, or the copy a wheel carries inside the package."""
    checkout = PACKAGE_DIR.parent / "pwa"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_pwa"
