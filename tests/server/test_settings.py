from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings, redact_url, unknown_variables


def test_defaults_give_embedded_sqlite_in_the_data_folder():
    settings = load_settings(environ={}, env_file=None)
    assert settings.database.url == "sqlite:///data/tend.sqlite3"
    assert settings.database.migrate_on_start is True
    assert settings.server.public_url == "http://127.0.0.1:8000"
    assert (settings.paths.pwa_dir / "index.html").is_file()


def test_values_are_read_and_converted_from_the_environment(tmp_path):
    settings = load_settings(
        environ={
            "TEND_PORT": "9000",
            "TEND_MIGRATE_ON_START": "false",
            "TEND_LOG_LEVEL": "debug",
            "TEND_PUBLIC_URL": "https://tend.example.org/",
            "TEND_DATABASE_URL": "postgresql://tend@db:5432/tend",
        },
        env_file=None,
    )
    assert settings.server.port == 9000
    assert settings.database.migrate_on_start is False
    assert settings.log.level == "DEBUG"
    assert settings.server.public_url == "https://tend.example.org"
    assert settings.server.is_https
    assert not settings.database.is_sqlite


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TEND_PORT=9100\nTEND_HOST=0.0.0.0\n")
    environ = {"TEND_PORT": "9200", "TEND_PUBLIC_URL": "https://tend.example.org"}
    settings = load_settings(environ=environ, env_file=env_file)
    assert settings.server.port == 9200
    assert settings.server.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TEND_PORT", "abc", "TEND_PORT='abc' is not valid: use a whole number from 1 to 65535"),
        ("TEND_PORT", "70000", "TEND_PORT='70000' is not valid"),
        (
            "TEND_DATABASE_URL",
            "mysql://x",
            "TEND_DATABASE_URL='mysql://x' is not valid: use sqlite",
        ),
        ("TEND_LOG_LEVEL", "loud", "TEND_LOG_LEVEL='LOUD' is not valid: use one of DEBUG"),
        ("TEND_MIGRATE_ON_START", "perhaps", "TEND_MIGRATE_ON_START='perhaps' is not valid"),
        ("TEND_PUBLIC_URL", "ftp://x", "TEND_PUBLIC_URL='ftp://x' is not valid"),
        ("TEND_PWA_DIR", "/nonexistent", "TEND_PWA_DIR='/nonexistent' is not valid"),
        ("TEND_PUBLIC_URL", "http://[x", "TEND_PUBLIC_URL='http://[x' is not valid"),
        ("TEND_DATABASE_URL", "sqlite:///:memory:", "TEND_DATABASE_URL='sqlite:///:memory:' is"),
        ("TEND_DATABASE_URL", "sqlite:///", "TEND_DATABASE_URL='sqlite:///' is not valid"),
        (
            "TEND_DATABASE_URL",
            "postgresql://localhost",
            "TEND_DATABASE_URL='postgresql://localhost'",
        ),
    ],
)
def test_a_bad_value_names_its_variable(name, value, expected):
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={name: value}, env_file=None)
    assert str(raised.value).startswith(expected)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:hunter2@h/d",
        "postgresql://u:hunter2@[x/db",
        "postgresql://u:hunter2@h",
    ],
)
def test_a_database_password_is_never_echoed(url):
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={"TEND_DATABASE_URL": url}, env_file=None)
    assert "hunter2" not in str(raised.value)
    assert str(raised.value).startswith("TEND_DATABASE_URL=")


def test_redaction_hides_passwords_wherever_they_are():
    assert redact_url("postgresql://u:hunter2@h/d") == "postgresql://u:***@h/d"
    assert "hunter2" not in redact_url("postgresql://h/d?password=hunter2")
    assert redact_url("postgresql://u@h/d") == "postgresql://u@h/d"


def test_misspelt_variables_are_spotted():
    assert unknown_variables({"TEND_DATABSE_URL": "x", "TEND_PORT": "1"}) == {
        "TEND_DATABSE_URL": "TEND_DATABASE_URL"
    }


@pytest.mark.parametrize("variable", ["TEND_PORT=abc", "TEND_DATABASE_URL=mysql://x"])
def test_tend_serve_exits_with_one_clear_line(variable, tmp_path):
    name, value = variable.split("=", 1)
    env = {**os.environ, name: value, "TEND_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tend: {name}=")
    assert "Traceback" not in result.stderr


def test_cookies_are_secure_except_on_plain_http_on_this_machine():
    local = load_settings(environ={}, env_file=None)
    assert local.accounts.secure_cookies is False
    public = load_settings(environ={"TEND_PUBLIC_URL": "https://tend.example.org"}, env_file=None)
    assert public.accounts.secure_cookies is True
    forced = load_settings(environ={"TEND_SECURE_COOKIES": "true"}, env_file=None)
    assert forced.accounts.secure_cookies is True


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        (
            {"TEND_PUBLIC_URL": "https://tend.example.org", "TEND_SECURE_COOKIES": "false"},
            "TEND_SECURE_COOKIES='false' is not valid: leave it unset",
        ),
        (
            {"TEND_PUBLIC_URL": "http://tend.example.org"},
            "people must reach Tend over https://",
        ),
        ({"TEND_SESSION_IDLE_HOURS": "0"}, "TEND_SESSION_IDLE_HOURS='0' is not valid"),
        ({"TEND_INVITATION_DAYS": "90"}, "TEND_INVITATION_DAYS='90' is not valid"),
        ({"TEND_REDIS_URL": "http://redis"}, "TEND_REDIS_URL='http://redis' is not valid"),
    ],
)
def test_account_settings_that_would_weaken_security_are_refused(environ, expected):
    with pytest.raises(SettingsError, match=re.escape(expected)):
        load_settings(environ=environ, env_file=None)


def test_a_redis_password_is_never_shown():
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={"TEND_REDIS_URL": "http://:hunter2@redis"}, env_file=None)
    assert "hunter2" not in str(raised.value)
