import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sci_tracker import env

ROOT = Path(__file__).resolve().parent.parent


def start_django(tmp_path, command="check", *arguments, **variables):
    """Run manage.py in a fresh process with only these variables set, as a deployment would."""
    keep = {"PATH", "HOME", "LANG"}
    environment = {name: value for name, value in os.environ.items() if name in keep}
    environment.update(SCI_TRACKER_DATA_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, "manage.py", *command.split(), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SCI_TRACKER_DEBUG", "maybe", "SCI_TRACKER_DEBUG must be true or false"),
        ("SCI_TRACKER_HSTS_SECONDS", "a year", "SCI_TRACKER_HSTS_SECONDS must be a whole number"),
        (
            "SCI_TRACKER_TIME_ZONE",
            "Mars/Olympus",
            "SCI_TRACKER_TIME_ZONE must be an IANA time zone",
        ),
        ("DATABASE_URL", "oracle-ish://nowhere", "DATABASE_URL is not a usable database URL"),
        (
            "SCI_TRACKER_VAPID_PRIVATE_KEY",
            "not-a-key",
            "SCI_TRACKER_VAPID_PRIVATE_KEY must be a VAPID private key",
        ),
        ("SCI_TRACKER_VAPID_SUBJECT", "admin@example.org", "must start with mailto: or https:"),
        ("SCI_TRACKER_SITE_URL", "tracker.example.org", "SCI_TRACKER_SITE_URL must be the app"),
        ("SCI_TRACKER_SITE_URL", "https://x.org/app", "SCI_TRACKER_SITE_URL must be the app"),
    ],
)
def test_it_refuses_to_start_with_a_malformed_value(tmp_path, variable, value, message):
    result = start_django(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_it_starts_with_nothing_set_and_keeps_one_secret_key(tmp_path):
    first = start_django(tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert start_django(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize("named", [False, True], ids=["the data folder's", "by DATABASE_URL"])
def test_it_runs_sqlite_in_wal_mode_however_the_file_is_named(tmp_path, named):
    """A DATABASE_URL of sqlite:///... gets the same settings as the data folder's database:
    without them, each commit waited for the disk and writers at once met "database is
    locked"."""
    variables = {"DATABASE_URL": f"sqlite:///{tmp_path}/named.sqlite3"} if named else {}
    asked = (
        "from django.db import connection; cursor = connection.cursor(); "
        "print([cursor.execute(f'PRAGMA {name}').fetchone()[0] "
        "for name in ('journal_mode', 'synchronous', 'busy_timeout')], "
        "connection.settings_dict['CONN_MAX_AGE'])"
    )
    result = start_django(tmp_path, "shell -v 0 -c", asked, **variables)
    assert result.returncode == 0, result.stderr
    # WAL; synchronous NORMAL (1); a 20 s wait for the write lock; one connection kept.
    assert result.stdout.split() == ["['wal',", "1,", "20000]", "None"]


def vapid_key_of(result):
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("VAPID_PRIVATE_KEY")]
    return line.split("=", 1)[1].removesuffix("###").strip().strip("'")  # ###: not Django's


def test_it_makes_one_web_push_key_and_keeps_it_like_the_secret_key(tmp_path):
    key = vapid_key_of(start_django(tmp_path, "diffsettings"))
    assert (tmp_path / "vapid_private_key").read_text() == key
    assert len(key) == 43  # 32 bytes in base64url
    assert oct((tmp_path / "vapid_private_key").stat().st_mode & 0o777) == "0o600"
    assert vapid_key_of(start_django(tmp_path, "diffsettings")) == key
    # From the environment it wins, and no file is made.
    chosen = env.new_vapid_key()
    other = tmp_path / "other"
    assert vapid_key_of(start_django(other, "diffsettings", SCI_TRACKER_VAPID_PRIVATE_KEY=chosen))
    assert (
        vapid_key_of(start_django(other, "diffsettings", SCI_TRACKER_VAPID_PRIVATE_KEY=chosen))
        == chosen
    )
    assert not (other / "vapid_private_key").exists()


def test_it_passes_the_deploy_check_with_the_documented_production_settings(tmp_path):
    production = {
        "SCI_TRACKER_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2" * 10,
        "SCI_TRACKER_ALLOWED_HOSTS": "tracker.example.org",
        "SCI_TRACKER_HTTPS": "true",
    }
    result = start_django(tmp_path, "check --deploy --fail-level WARNING", **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_warns_in_the_deploy_check_without_https(tmp_path):
    result = start_django(tmp_path, "check --deploy --fail-level WARNING")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("no", False), ("0", False)]
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG") is expected


def test_it_uses_the_default_for_an_unset_or_blank_variable(monkeypatch):
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    assert env.env_int("SOME_NUMBER", 7) == 7
    monkeypatch.setenv("SOME_NUMBER", "  ")
    assert env.env_int("SOME_NUMBER", 7) == 7


def test_it_refuses_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be at least 0"):
        env.env_int("SOME_NUMBER", 7)


def test_it_splits_lists_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", "a.example.org, ,b.example.org,")
    assert env.env_list("SOME_HOSTS", []) == ["a.example.org", "b.example.org"]
