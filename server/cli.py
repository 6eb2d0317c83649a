"""The ``tend`` command: serve, migrate, check, check-instrument, setup-link, invite."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from server import __version__
from server.settings import (
    ServerSettings,
    Settings,
    SettingsError,
    load_settings,
    redact_url,
    unknown_variables,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command in (check_instrument, decrypt_export):  # need no settings or database
        return args.command(Settings(), args)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"tend: {error}", file=sys.stderr)
        return 2
    command: Callable[[Settings, argparse.Namespace], int] = args.command
    return command(settings, args)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    """Run Tend with uvicorn (migrations apply at start unless turned off)."""
    import uvicorn

    from server.app import create_app
    from server.lib.logs import configure_logging

    server = msgspec.structs.replace(
        settings.server,
        host=args.host or settings.server.host,
        port=args.port or settings.server.port,
    )
    if not settings.server.public_url.startswith("https://") and (args.host or args.port):
        server = msgspec.structs.replace(server, public_url=f"http://{server.host}:{server.port}")
    configure_logging(settings.log)
    if not _migrated_at_start(settings):
        return 1
    # Applied just now; the app need not look again at start.
    database = msgspec.structs.replace(settings.database, migrate_on_start=False)
    settings = msgspec.structs.replace(settings, server=server, database=database)
    print(f"Tend is starting at {server.public_url}", file=sys.stderr, flush=True)
    try:
        link = _with_database(settings, _setup_link_if_new)
    except Exception as error:
        print(f"tend: cannot start: {_database_problem(error)}", file=sys.stderr)
        return 1
    if link:
        print(
            "Tend has no organisation yet. To set it up, open this link "
            f"(it works once, for {_setup_hours()} hours):\n  {link}",
            file=sys.stderr,
            flush=True,
        )
    options = uvicorn_options(server)
    if args.reload:
        os.environ.update({"TEND_HOST": server.host, "TEND_PORT": str(server.port)})
        uvicorn.run("server.app:app_from_environment", factory=True, reload=True, **options)
    else:
        uvicorn.run(create_app(settings), **options)
    return 0


def uvicorn_options(server: ServerSettings) -> dict[str, Any]:
    """How uvicorn runs Tend. Forwarded headers are believed only from trusted proxies."""
    trusted = server.trusted_proxies.replace(" ", "")
    return {
        "host": server.host,
        "port": server.port,
        "log_config": None,
        "access_log": False,
        "server_header": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }


def migrate(settings: Settings, _: argparse.Namespace) -> int:
    """Apply pending migrations and say what was done."""
    try:
        applied = _apply_migrations(settings)
    except Exception as error:
        print(f"tend: migrations failed: {_database_problem(error)}", file=sys.stderr)
        return 1
    print(f"Applied {len(applied)} migration(s)." if applied else "The database is up to date.")
    for name in applied:
        print(f"  {name}")
    return 0


def check(settings: Settings, _: argparse.Namespace) -> int:
    """Validate settings and reach the database; print what was found."""
    from server.lib.db import close_engine, create_engine, open_engine, ping
    from server.lib.migrations import pending_migrations
    from server.web.build import PwaFiles

    build = PwaFiles(settings.paths.pwa_dir).current()
    print(f"Tend {__version__}")
    print(f"  database:   {redact_url(settings.database.url)}")
    print(f"  data dir:   {settings.paths.data_dir.resolve()}")
    print(f"  public URL: {settings.server.public_url}")
    print(f"  listens on: {settings.server.host}:{settings.server.port}")
    print(
        f"  PWA:        {settings.paths.pwa_dir} ({len(build.files)} files, build {build.version})"
    )
    for name, suggestion in unknown_variables(os.environ).items():
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        print(f"  warning:    {name} is not a Tend setting{hint}")

    async def run() -> list[str]:
        engine = create_engine(settings.database)
        await open_engine(engine)
        try:
            await ping(engine, within=5)
            return await pending_migrations(engine)
        finally:
            await close_engine(engine)

    try:
        pending = asyncio.run(run())
    except Exception as error:
        print(f"  database:   not reachable: {_reason(error)}")
        return 1
    print("  database:   reachable")
    print(f"  migrations: {len(pending)} pending" if pending else "  migrations: up to date")
    return 0


def check_instrument(_: Settings, args: argparse.Namespace) -> int:
    """Check a reflection questionnaire file before pointing TEND_REFLECTION_INSTRUMENT at it."""
    from server.reflection.instrument import InstrumentError, load_instrument

    try:
        instrument = load_instrument(args.file)
    except InstrumentError as error:
        print(f"tend: {error}", file=sys.stderr)
        return 1
    counts = ", ".join(
        f"{s.id} ({sum(i.subscale == s.id for i in instrument.items)})"
        for s in instrument.subscales
    )
    print(f"{args.file}: {instrument.title!r}, {len(instrument.items)} items: {counts}")
    return 0


def decrypt_export(_: Settings, args: argparse.Namespace) -> int:
    """Open an encrypted backup with her password or recovery code and write the readable
    and JSON exports (docs/export.md): no settings, database or server needed."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from server.backup import backup as backups
    from server.backup.files import OutputError, check_free, write_files
    from server.backup.render import render_html

    try:
        zone = ZoneInfo(args.time_zone) if args.time_zone else None
    except (ZoneInfoNotFoundError, ValueError):
        print(f"tend: {args.time_zone!r} is not a time zone (try Europe/London)", file=sys.stderr)
        return 1
    try:
        data = Path(args.backup_file).read_bytes()
    except OSError as error:
        print(f"tend: {args.backup_file} can't be read: {_reason(error)}", file=sys.stderr)
        return 1
    try:
        backup = backups.read_backup(data)
        stem = backups.export_stem(backup)
        html_path, json_path = args.output_dir / f"{stem}.html", args.output_dir / f"{stem}.json"
        check_free([html_path, json_path], args.force)
        if backup.keys.recovery is None and sys.stdin.isatty():
            print(
                "This backup opens with its password only (it has no recovery code copy).",
                file=sys.stderr,
            )
        secret = _password_or_recovery_code()
        if not secret:
            print("tend: No password or recovery code was given.", file=sys.stderr)
            return 1
        records = backups.open_backup(backup, secret)
        export = backups.json_export(backup, records)
        readable = render_html(export, zone).encode()
        write_files({html_path: readable, json_path: backups.encode_export(export)}, args.force)
    except (backups.BackupError, OutputError) as error:
        print(f"tend: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"tend: the exports could not be written: {_reason(error)}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\ntend: stopped; nothing was written", file=sys.stderr)
        return 1
    print("Wrote your records to:")
    print(f"  {html_path.resolve()}  (to read or print)")
    print(f"  {json_path.resolve()}  (for other apps)")
    print("These files are not encrypted: keep them somewhere safe.")
    print(f"{len(records)} record{'' if len(records) == 1 else 's'}, by type:")
    for record_type, count in backups.count_by_type(records).items():
        print(f"  {record_type}: {count}")
    return 0


def _password_or_recovery_code() -> str:
    """Asked for at a terminal, without echo; otherwise one line from standard input."""
    if sys.stdin.isatty():
        return getpass.getpass("Password or recovery code: ")
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def setup_link(settings: Settings, args: argparse.Namespace) -> int:
    """Print a fresh one-time set-up link (earlier ones stop working)."""
    from server.org.setup import is_set_up, new_setup_link

    async def make() -> str | None:
        if await is_set_up() and not args.another_organisation:
            return None
        return await new_setup_link(settings.server.public_url)

    try:
        link = _with_database(settings, make)
    except Exception as error:
        print(f"tend: {_database_problem(error)}", file=sys.stderr)
        return 1
    if link is None:
        print(
            "Tend is already set up. Admins invite people from the app (or with tend invite).\n"
            "To set up another organisation on this server: tend setup-link --another-organisation",
            file=sys.stderr,
        )
        return 1
    print(f"Open this link to set up Tend (it works once, for {_setup_hours()} hours):")
    print(f"  {link}")
    return 0


def invite(settings: Settings, args: argparse.Namespace) -> int:
    """Create an invitation and print its link and a QR code to scan."""
    import segno

    from server.accounts.tables import Person
    from server.lib.errors import AppError
    from server.org.invitations import create_invitation
    from server.org.schemas import InvitationCreate
    from server.org.tables import Organisation, Team

    async def make():
        organisations = await Organisation.select(Organisation.id, Organisation.name)
        if args.organisation:
            organisations = [o for o in organisations if o["name"] == args.organisation]
        if not organisations:
            raise AppError("there is no such organisation; set Tend up first (tend setup-link)")
        if len(organisations) > 1:
            raise AppError("this server has several organisations: name one with --organisation")
        organisation_id = organisations[0]["id"]
        team_id = None
        if args.team:
            team = (
                await Team.select(Team.id)
                .where((Team.organisation == organisation_id) & (Team.name == args.team))
                .first()
            )
            if team is None:
                names = await Team.select(Team.name).where(Team.organisation == organisation_id)
                known = ", ".join(sorted(t["name"] for t in names)) or "none yet"
                raise AppError(f"there is no team called {args.team!r} (teams: {known})")
            team_id = team["id"]
        supervisor_ids = []
        for email in args.supervisor or []:
            row = (
                await Person.select(Person.id)
                .where(
                    (Person.email == email.strip().lower())
                    & (Person.organisation == organisation_id)
                )
                .first()
            )
            if row is None:
                raise AppError(f"nobody in this organisation signs in as {email!r}")
            supervisor_ids.append(row["id"])
        request = InvitationCreate(
            roles=sorted(set(args.role)),
            team_id=team_id,
            supervisor_ids=supervisor_ids,
            label=args.label or "",
        )
        return await create_invitation(
            organisation_id,
            None,
            request,
            settings.server.public_url,
            settings.accounts.invitation_days,
        )

    try:
        created = _with_database(settings, make)
    except AppError as error:
        print(f"tend: {error.message}", file=sys.stderr)
        return 2
    except Exception as error:
        print(f"tend: {_database_problem(error)}", file=sys.stderr)
        return 1
    invitation = created.invitation
    team = f" in {invitation.team.name}" if invitation.team else ""
    print(
        f"Invitation for {', '.join(invitation.roles)}{team}, valid until "
        f"{invitation.expires_at:%d %B %Y %H:%M} UTC. It works once:"
    )
    print(f"  {created.link}")
    if not args.no_qr:
        segno.make(created.link, error="m").terminal(compact=True)
    return 0


def export_org(settings: Settings, args: argparse.Namespace) -> int:
    """Write the organisation's configuration as JSON: teams, support resources, prompts
    and feeling words; never anyone's name, email, id or private data."""
    from server.lib.errors import AppError
    from server.org.export import export_organisations

    async def work():
        return await export_organisations(args.organisation)

    try:
        exported = _with_database(settings, work)
    except AppError as error:
        print(f"tend: {error.message}", file=sys.stderr)
        return 2
    except Exception as error:
        print(f"tend: {_database_problem(error)}", file=sys.stderr)
        return 1
    text = msgspec.json.format(msgspec.json.encode(exported), indent=2).decode() + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        sys.stdout.write(text)
    return 0


def worker(settings: Settings, _: argparse.Namespace) -> int:
    """Send reminders (no web server): as many as you like, beside ``tend serve`` processes
    started with ``TEND_DISPATCHER=false``. Stops cleanly on SIGTERM or Ctrl-C, finishing
    the messages it is sending."""
    import signal

    from server.lib.db import bind_engine, close_engine, create_engine, open_engine
    from server.lib.logs import configure_logging
    from server.reminders.dispatcher import Dispatcher
    from server.reminders.keys import ensure_key

    configure_logging(settings.log)
    if not _migrated_at_start(settings):
        return 1

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        engine = create_engine(settings.database)
        await open_engine(engine)
        bind_engine(engine)
        try:
            await ensure_key(settings.push)
            async with Dispatcher(settings.push) as dispatcher:
                await dispatcher.run(stop)
        finally:
            await close_engine(engine)

    asyncio.run(run())
    return 0


def vapid(settings: Settings, args: argparse.Namespace) -> int:
    """Show the VAPID public key, or make a new one (``--rotate``)."""
    from server.reminders import keys

    if args.rotate and settings.push.vapid_key_file:
        print(
            "tend: the key comes from TEND_VAPID_KEY_FILE; to rotate it, point that setting "
            "at a new key file (devices subscribe again the next time they open Tend)",
            file=sys.stderr,
        )
        return 2

    async def work() -> str:
        if args.rotate:
            key, still_old = await keys.rotate()
            return (
                f"New VAPID public key: {key.public_key}\n"
                f"{still_old} device(s) still use an older key; it keeps working for them "
                "until they open Tend and subscribe again."
            )
        await keys.ensure_key(settings.push)
        return f"VAPID public key: {(await keys.current_key(settings.push)).public_key}"

    print(_with_database(settings, work))
    return 0


def backup(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the SQLite database to DEST while Tend keeps serving (SQLite's backup API);
    on PostgreSQL, say to use pg_dump and exit 2."""
    from server.lib.sqlite_backup import BackupError, backup_database

    if not settings.database.is_sqlite:
        print(
            "tend: tend backup copies SQLite databases only, and this server uses PostgreSQL "
            f"({redact_url(settings.database.url)}). Back it up with pg_dump, for example:\n"
            '  pg_dump --format=custom --file="tend-$(date +%F).dump" "$TEND_DATABASE_URL"\n'
            "Restoring it, and a restore drill: docs/deploy.md (Backups).",
            file=sys.stderr,
        )
        return 2
    try:
        made = backup_database(settings.database.sqlite_path, args.dest, replace=args.force)
    except BackupError as error:
        print(f"tend: {error}", file=sys.stderr)
        return 1
    print(f"Backed up {settings.database.sqlite_path} to {made.path} (checked, mode 0600)")
    print(f"  size:       {made.size / 1_048_576:.1f} MB ({made.size} bytes)")
    print(f"  tables:     {made.tables}")
    print(f"  holds:      {made.organisations} organisation(s), {made.people} person(s)")
    return 0


def restore(settings: Settings, args: argparse.Namespace) -> int:
    """Restore a ``tend backup`` file into this instance's empty SQLite database (Tend
    stopped), then apply newer migrations; on PostgreSQL, say how to and exit 2."""
    from server.lib.migrations import known_migrations
    from server.lib.sqlite_backup import BackupError, restore_database

    if not settings.database.is_sqlite:
        print(
            "tend: tend restore restores SQLite backups only, and this server uses PostgreSQL "
            f"({redact_url(settings.database.url)}). Restore a pg_dump file into a new, empty "
            "database, point TEND_DATABASE_URL at it, then apply newer migrations:\n"
            "  createdb tend_restored\n"
            "  pg_restore --no-owner --dbname=postgresql://USER@HOST:5432/tend_restored "
            "tend-DATE.dump\n"
            "  tend migrate\n"
            "Details, and a restore drill: docs/deploy.md (Backups).",
            file=sys.stderr,
        )
        return 2
    target = settings.database.sqlite_path
    try:
        restored = restore_database(args.source, target, known_migrations())
    except BackupError as error:
        print(f"tend: nothing was restored: {error}", file=sys.stderr)
        return 1
    print(f"Restored {args.source} into {target}")
    print(f"  holds:      {restored.organisations} organisation(s), {restored.people} person(s)")
    try:
        applied = _apply_migrations(settings)
    except Exception as error:
        print(
            f"tend: the data is restored, but migrating it failed: {_database_problem(error)}",
            file=sys.stderr,
        )
        return 1
    print(f"  migrations: {len(applied)} newer applied" if applied else "  migrations: up to date")
    print("Start Tend again (tend serve): sign-ins and devices carry on as they were.")
    return 0


def _setup_hours() -> int:
    from server.org.setup import SETUP_LINK_HOURS

    return SETUP_LINK_HOURS


async def _setup_link_if_new(settings: Settings) -> str | None:
    from server.org.setup import is_set_up, new_setup_link

    if await is_set_up():
        return None
    return await new_setup_link(settings.server.public_url)


def _with_database(settings: Settings, work: Callable) -> Any:
    """Run ``work`` (a coroutine function, given the settings if it takes them) against an
    engine opened for the occasion."""
    import inspect

    from server.lib.db import bind_engine, close_engine, create_engine, open_engine

    async def run() -> Any:
        engine = create_engine(settings.database)
        await open_engine(engine)
        bind_engine(engine)
        try:
            takes_settings = bool(inspect.signature(work).parameters)
            return await (work(settings) if takes_settings else work())
        finally:
            await close_engine(engine)

    return asyncio.run(run())


def _migrated_at_start(settings: Settings) -> bool:
    """Apply pending migrations unless turned off; False (having said why) if that failed."""
    if not settings.database.migrate_on_start:
        return True
    try:
        _apply_migrations(settings)
    except Exception as error:
        print(f"tend: cannot start: {_database_problem(error)}", file=sys.stderr)
        return False
    return True


def _apply_migrations(settings: Settings) -> list[str]:
    from server.lib.db import close_engine, create_engine, open_engine
    from server.lib.migrations import apply_migrations

    async def run() -> list[str]:
        engine = create_engine(settings.database)
        await open_engine(engine)
        try:
            return await apply_migrations(engine, settings.database)
        finally:
            await close_engine(engine)

    return asyncio.run(run())


def _database_problem(error: BaseException) -> str:
    if isinstance(error, OSError | TimeoutError) or "connect" in str(error).lower():
        return f"the database cannot be reached ({_reason(error)}); check TEND_DATABASE_URL"
    return _reason(error)


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError("use a whole number from 1 to 65535")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tend", description="Tend's server.")
    parser.add_argument("--version", action="version", version=f"tend {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser("serve", help="run Tend (applies migrations at start)")
    run.add_argument("--host", help="address to listen on (default TEND_HOST or 127.0.0.1)")
    run.add_argument("--port", type=_port, help="port to listen on (default TEND_PORT or 8000)")
    run.add_argument(
        "--reload", action="store_true", help="restart when code changes (development)"
    )
    run.set_defaults(command=serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(command=migrate)
    commands.add_parser("check", help="validate settings and reach the database").set_defaults(
        command=check
    )

    instrument = commands.add_parser(
        "check-instrument", help="check a reflection questionnaire file (docs/reflection.md)"
    )
    instrument.add_argument("file", help="the JSON file")
    instrument.set_defaults(command=check_instrument)

    decrypt = commands.add_parser(
        "decrypt-export",
        help="turn an encrypted backup into readable and JSON exports (no server needed)",
    )
    decrypt.add_argument("backup_file", metavar="BACKUP_FILE", help="the .tendbackup file")
    decrypt.add_argument(
        "--output-dir", type=Path, default=Path(), metavar="DIR", help="where to write them"
    )
    decrypt.add_argument("--force", action="store_true", help="replace exports already there")
    decrypt.add_argument(
        "--time-zone", metavar="ZONE", help="for times shown, e.g. Europe/London (default: local)"
    )
    decrypt.set_defaults(command=decrypt_export)

    link = commands.add_parser("setup-link", help="print a fresh one-time set-up link")
    link.add_argument(
        "--another-organisation",
        action="store_true",
        help="set up a further organisation on a server that already has one",
    )
    link.set_defaults(command=setup_link)

    inv = commands.add_parser("invite", help="invite someone: prints a link and a QR code")
    inv.add_argument(
        "--role",
        action="append",
        required=True,
        choices=["worker", "supervisor", "admin"],
        help="a role they will have (repeat for several)",
    )
    inv.add_argument("--team", help="the team they join, by name")
    inv.add_argument(
        "--supervisor", action="append", metavar="EMAIL", help="a supervisor, by sign-in email"
    )
    inv.add_argument("--label", help="a note for admins, such as who it is for")
    inv.add_argument("--organisation", help="which organisation, when there are several")
    inv.add_argument("--no-qr", action="store_true", help="print the link only")
    inv.set_defaults(command=invite)

    org = commands.add_parser(
        "export-org", help="write the organisation's configuration as JSON (no personal data)"
    )
    org.add_argument("--organisation", help="only this organisation, by name (default: all)")
    org.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    org.set_defaults(command=export_org)

    commands.add_parser(
        "worker", help="send reminders (run beside `tend serve` with TEND_DISPATCHER=false)"
    ).set_defaults(command=worker)
    keys = commands.add_parser("vapid", help="show the Web Push (VAPID) public key")
    keys.add_argument(
        "--rotate", action="store_true", help="make a new key (devices move over as they open Tend)"
    )
    keys.set_defaults(command=vapid)

    save = commands.add_parser(
        "backup", help="copy the SQLite database to DEST while Tend runs (docs/deploy.md)"
    )
    save.add_argument("dest", type=Path, metavar="DEST", help="a file, or a folder for a dated one")
    save.add_argument("--force", action="store_true", help="replace DEST if it exists")
    save.set_defaults(command=backup)
    back = commands.add_parser(
        "restore", help="restore a tend backup file into an empty, stopped instance"
    )
    back.add_argument("source", type=Path, metavar="SOURCE", help="a file made by tend backup")
    back.set_defaults(command=restore)
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
