"""docs/deployment.md, as far as a test can run it: the systemd units, the nginx site, the
settings it names, and every block of commands marked `# tested:` run as written against a
PostgreSQL database made for the test.

The blocks name the production paths; the test reads them as scratch ones (the checkout for
/srv/sci-tracker, a scratch file for /etc/sci-tracker.env, ...), and puts stand-ins for `git`,
`sudo`, `systemctl`, `curl` and `pip` first on PATH (`.venv/bin/pip` read as `pip`): each
writes down what it was asked and succeeds (`sudo` then runs the command).
"""

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dj_database_url
import httpx
import pytest

from tests.stores import HANG, REDIS_URL, gunicorn

# The tests below walk one deployment through the guide's blocks in order (first start, backup,
# restore, upgrade): `make test` keeps a file's tests in one process (--dist loadfile).
ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deployment.md"
DEPLOY = ROOT / "deploy"
UNITS = ["sci-tracker-web@.service", "sci-tracker-reminders.service"]
APP = "/srv/sci-tracker"
HOST = "tracker.example.org"
TESTED = re.compile(r"^```(\w+)\n# tested: ([^\n]+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def guide_blocks():
    """{name: the block's text, less its `# tested:` line}, in the guide's order."""
    return {name: body for _, name, body in TESTED.findall(GUIDE.read_text())}


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text())
    return parser


def exec_start(name):
    return shlex.split(unit(name)["Service"]["ExecStart"])


# The units --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_it_runs_programs_of_the_checkout_from_the_units(name):
    service = unit(name)["Service"]
    assert service["WorkingDirectory"] == APP
    assert service["EnvironmentFile"] == "/etc/sci-tracker.env"
    assert service["User"] == "sci-tracker"
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"
    program, *arguments = exec_start(name)
    assert program.startswith(f"{APP}/.venv/bin/")
    # The same program in this checkout's virtual environment.
    assert (ROOT / Path(program).relative_to(APP)).exists()
    if arguments[0] == "manage.py":
        help_text = subprocess.run(
            [sys.executable, "manage.py", "help", arguments[1]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=HANG,
        )
        assert help_text.returncode == 0, help_text.stderr


def test_it_serves_on_the_port_the_instance_names_with_threads():
    command = exec_start("sci-tracker-web@.service")
    assert command[1] == "sci_tracker.wsgi"
    options = dict(zip(command[2::2], command[3::2], strict=False))
    assert options["--bind"] == "127.0.0.1:%i"
    assert options["--worker-class"] == "gthread"
    assert int(options["--threads"]) > 1


def test_it_restarts_the_servers_in_the_guide_by_their_unit_names():
    guide = GUIDE.read_text()
    for name in ("sci-tracker-web@8001", "sci-tracker-web@8002", "sci-tracker-reminders"):
        assert name in guide
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "server 127.0.0.1:8001" in nginx
    assert "server 127.0.0.1:8002" in nginx


def test_systemd_accepts_the_units(tmp_path):
    systemd_analyze = shutil.which("systemd-analyze")
    if systemd_analyze is None:
        pytest.skip("systemd-analyze is not installed here (the units are parsed above)")
    paths = []
    for name in UNITS:
        # As installed in /srv/sci-tracker: here, the checkout (systemd checks the program exists).
        path = tmp_path / name
        path.write_text((DEPLOY / name).read_text().replace(APP, str(ROOT)))
        paths.append(str(path))
    result = subprocess.run(
        [systemd_analyze, "verify", *paths],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    # Unknown keys are only warnings: any line about our units is a failure.
    said = [line for line in result.stderr.splitlines() if "sci-tracker" in line]
    assert result.returncode == 0, result.stderr
    assert said == []


# The proxy --------------------------------------------------------------------------------------


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if nginx is None:
        pytest.skip("nginx is not installed here (CI does not install it)")
    certificate, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace(f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(certificate))
    site = site.replace(f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def self_signed_certificate(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_path, key_path


# The settings -----------------------------------------------------------------------------------


def test_it_describes_every_setting_the_app_reads():
    read = set(
        re.findall(
            r'"((?:SCI_TRACKER_\w+)|DATABASE_URL)"',
            (ROOT / "sci_tracker" / "settings.py").read_text(),
        )
    )
    assert len(read) > 30
    docs = (ROOT / "docs" / "operations.md").read_text() + GUIDE.read_text()
    # The configuration table writes a family once: `SCI_TRACKER_EMAIL_PORT`, `_USER`, ...
    shorthand = {
        f"{family}{tail}"
        for family, tails in re.findall(r"`(SCI_TRACKER_[A-Z]+_)[A-Z_]+`((?:, `_[A-Z_]+`)+)", docs)
        for tail in re.findall(r"`_([A-Z_]+)`", tails)
    }
    missing = sorted(name for name in read if f"`{name}`" not in docs and name not in shorthand)
    assert missing == []


def test_the_example_settings_name_every_server_wide_key():
    names = environment_file_names()
    for name in (
        "SCI_TRACKER_SECRET_KEY",
        "SCI_TRACKER_VAPID_PRIVATE_KEY",
        "DATABASE_URL",
        "SCI_TRACKER_CACHE_URL",
        "SCI_TRACKER_TRUSTED_PROXIES",
        "SCI_TRACKER_BEHIND_PROXY",
        "SCI_TRACKER_HTTPS",
    ):
        assert name in names


def environment_file_names():
    return [
        line.split("=", 1)[0]
        for line in guide_blocks()["/etc/sci-tracker.env"].splitlines()
        if line and not line.startswith("#")
    ]


def slug(heading):
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_guides_links_lead_to_pages_and_headings():
    links = re.findall(r"\]\(([\w.]+\.md)?(?:#([\w-]+))?\)", GUIDE.read_text())
    assert len(links) > 5
    for page, anchor in links:
        text = (GUIDE.parent / (page or GUIDE.name)).read_text()
        if anchor:
            headings = {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
            assert anchor in headings, f"{page}#{anchor}"


# The documented commands, against PostgreSQL -----------------------------------------------------


def postgresql_or_skip():
    """The PostgreSQL server to make databases on: PGHOST and PGUSER (127.0.0.1 and postgres
    unless set), or DATABASE_URL's server on a PostgreSQL run. Skips when none answers."""
    import psycopg

    found = os.environ.get("DATABASE_URL", "")
    base = dj_database_url.parse(found) if found.startswith("postgres") else {}
    server = {
        "host": base.get("HOST") or os.environ.get("PGHOST", "127.0.0.1"),
        "port": base.get("PORT") or int(os.environ.get("PGPORT", "5432")),
        "user": base.get("USER") or os.environ.get("PGUSER", "postgres"),
        "password": base.get("PASSWORD") or os.environ.get("PGPASSWORD", ""),
    }
    try:
        psycopg.connect(dbname="postgres", connect_timeout=5, **server).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"No PostgreSQL answers at {server['host']}:{server['port']}: {error}")
    return server, base.get("NAME") or "sci_tracker"


def redis_available():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis is not reachable at {REDIS_URL}")
        return False
    return True


STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
"""
SUDO = """#!/bin/sh
echo "sudo $*" >> "{log}"
exec "$@"
"""


class Deployment:
    """A scratch deployment: the guide's settings with a database, a Redis prefix and folders
    of its own, and the stand-ins."""

    def __init__(self, folder, server, prefix):
        import psycopg

        from sci_tracker.env import new_vapid_key

        self.psycopg = psycopg
        self.server = server
        tag = uuid.uuid4().hex[:8]
        self.database = f"{prefix}_guide_{tag}"
        self.check_database = f"{prefix}_guide_check_{tag}"
        self.folder = folder
        self.backups = folder / "backups"
        self.backups.mkdir()
        self.environment_file = folder / "sci-tracker.env"
        self.calls = folder / "calls.log"
        self.calls.touch()
        bin_folder = folder / "bin"
        bin_folder.mkdir()
        for name in ("git", "systemctl", "curl", "pip"):
            self.stand_in(bin_folder / name, STAND_IN)
        self.stand_in(bin_folder / "sudo", SUDO)
        self.path = f"{bin_folder}:{os.environ['PATH']}"
        self.admin(f'CREATE DATABASE "{self.database}"')

        user, password = server["user"], server["password"]
        login = f"{user}:{password}" if password else user
        url = f"postgres://{login}@{server['host']}:{server['port']}/{self.database}"
        self.redis = redis_available()
        self.cache_prefix = f"sci-tracker-guide-{tag}"
        self.values = {
            "SCI_TRACKER_SECRET_KEY": "a-deployment-test-key-" + uuid.uuid4().hex * 2,
            "SCI_TRACKER_VAPID_PRIVATE_KEY": new_vapid_key(),
            "DATABASE_URL": url,
            "SCI_TRACKER_CACHE_URL": REDIS_URL if self.redis else None,
            "SCI_TRACKER_CACHE_KEY_PREFIX": self.cache_prefix,
            "SCI_TRACKER_DATA_DIR": str(folder / "data"),
            "SCI_TRACKER_STATIC_ROOT": str(folder / "static"),
            "SCI_TRACKER_LOG_LEVEL": "WARNING",
        }
        self.write_environment_file()

    def stand_in(self, path, script):
        path.write_text(script.format(log=self.calls))
        path.chmod(0o755)

    def admin(self, statement):
        with self.psycopg.connect(dbname="postgres", autocommit=True, **self.server) as link:
            link.execute(statement)

    def query(self, database, statement, parameters=()):
        with self.psycopg.connect(dbname=database, **self.server) as link:
            return link.execute(statement, parameters).fetchall()

    def write_environment_file(self):
        """The guide's file, with this deployment's values for the names in `values`."""
        lines = []
        for line in guide_blocks()["/etc/sci-tracker.env"].splitlines():
            name = line.split("=", 1)[0]
            if line and not line.startswith("#") and name in self.values:
                value = self.values[name]
                line = None if value is None else f"{name}={value}"
            if line is not None:
                lines.append(line)
        added = {n: v for n, v in self.values.items() if v and f"\n{n}=" not in "\n".join(lines)}
        lines += [f"{name}={value}" for name, value in added.items()]
        self.environment_file.write_text("\n".join(lines) + "\n")

    def settings(self):
        """The file's variables as systemd reads them (EnvironmentFile=: quotes taken off)."""
        found = {}
        for line in self.environment_file.read_text().splitlines():
            if line and not line.startswith("#"):
                name, value = line.split("=", 1)
                found[name] = value.strip('"')
        return found

    def run(self, name):
        """The guide's block `name`, as written but for the paths, under bash -e."""
        script = guide_blocks()[name]
        for production, here in [
            ("/etc/sci-tracker.env", str(self.environment_file)),
            ("/var/backups/sci-tracker", str(self.backups)),
            ("sci_tracker_restore_check", self.check_database),
            (APP, str(ROOT)),
            # Installing packages is pip's business, and the test's environment is not to change.
            (".venv/bin/pip ", "pip "),
        ]:
            script = script.replace(production, here)
        keep = ("HOME", "LANG", "PGPASSWORD")
        environment = {n: os.environ[n] for n in keep if n in os.environ} | {"PATH": self.path}
        return subprocess.run(
            [shutil.which("bash"), "-e", "-o", "pipefail", "-c", script],
            cwd=self.folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=HANG,
        )

    def calls_made(self):
        return self.calls.read_text().splitlines()

    def remove(self):
        for database in (self.database, self.check_database):
            self.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if self.redis:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(match=f"{self.cache_prefix}:*"):
                client.delete(key)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    server, prefix = postgresql_or_skip()
    made = Deployment(tmp_path_factory.mktemp("deployment"), server, prefix)
    try:
        yield made
    finally:
        made.remove()


def ran(result):
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def make_account(deployment, email):
    code = (
        "from sci_tracker.accounts.models import User; "
        f"User.objects.create_user(email={email!r}, password='a long enough password', "
        "display_name='Pat')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
        | deployment.settings(),
        check=True,
        capture_output=True,
        timeout=HANG,
    )


def accounts(deployment, database):
    return sorted(
        email for (email,) in deployment.query(database, "SELECT email FROM accounts_user")
    )


def test_the_guide_marks_its_blocks_in_the_order_they_run():
    assert list(guide_blocks()) == [
        "/etc/sci-tracker.env",
        "first start",
        "backup",
        "check a backup",
        "restore",
        "upgrade",
    ]


def test_it_starts_with_the_documented_settings_and_no_deploy_warning(deployment):
    result = ran(deployment.run("first start"))
    assert "System check identified no issues" in result.stdout + result.stderr
    tables = deployment.query(
        deployment.database, "SELECT count(*) FROM django_migrations WHERE app = 'diary'"
    )
    assert tables[0][0] > 0
    static = deployment.folder / "static"
    assert (static / "staticfiles.json").exists()
    # Pages and scripts go out compressed; source maps, for developers' tools only, are not.
    assert list(static.glob("js/app.*.js.br"))
    assert list(static.rglob("*.js.map"))
    assert not list(static.rglob("*.map.br"))
    assert not list(static.rglob("*.map.gz"))


def test_the_units_gunicorn_command_answers_on_a_free_port(deployment):
    program, *arguments = exec_start("sci-tracker-web@.service")
    # tests.stores.gunicorn binds a free port and hands it over: the unit's --bind goes.
    at = arguments.index("--bind")
    del arguments[at : at + 2]
    assert arguments[0] == "sci_tracker.wsgi"
    environment = {"PATH": os.environ["PATH"]} | deployment.settings()
    with gunicorn(environment, options=arguments[1:]) as base:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        answer = httpx.get(f"{base}/healthz", headers=headers, timeout=HANG)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_it_backs_up_and_checks_the_backup_in_another_database(deployment):
    make_account(deployment, "before@example.org")
    ran(deployment.run("backup"))
    dumps = list(deployment.backups.glob("sci-tracker-*.dump"))
    assert [dump.name for dump in dumps] == [f"sci-tracker-{datetime.now():%F}.dump"]
    assert dumps[0].stat().st_mode & 0o077 == 0  # umask 077: the owner's alone
    result = ran(deployment.run("check a backup"))
    said = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert said == ["CREATE DATABASE", "1", "DROP DATABASE"]  # one account in the backup
    exists = deployment.query(
        "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [deployment.check_database]
    )
    assert exists == []  # dropped again


def test_it_restores_the_backup_and_forgets_the_cached_figures(deployment):
    if shutil.which("redis-cli") is None or not deployment.redis:
        pytest.skip("redis-cli or Redis missing here (the restore block empties the app's keys)")
    dump = next(deployment.backups.glob("sci-tracker-*.dump"))
    shutil.copy(dump, deployment.backups / "sci-tracker-2026-03-15.dump")
    make_account(deployment, "after@example.org")
    assert accounts(deployment, deployment.database) == ["after@example.org", "before@example.org"]
    other_key = f"not-ours-{uuid.uuid4().hex}"
    if deployment.redis:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.set(f"{deployment.cache_prefix}:1:figures", b"old")
        client.set(other_key, b"kept", ex=600)
    before = len(deployment.calls_made())
    ran(deployment.run("restore"))
    assert accounts(deployment, deployment.database) == ["before@example.org"]
    calls = deployment.calls_made()[before:]
    services = "sci-tracker-web@8001 sci-tracker-web@8002 sci-tracker-reminders"
    assert calls == [f"sudo systemctl stop {services}", f"systemctl stop {services}"] + [
        f"sudo systemctl start {services}",
        f"systemctl start {services}",
    ]
    if deployment.redis:
        assert list(client.scan_iter(match=f"{deployment.cache_prefix}:*")) == []
        assert client.get(other_key) == b"kept"
        client.delete(other_key)


def test_it_upgrades_restarting_one_server_at_a_time(deployment):
    before = len(deployment.calls_made())
    ran(deployment.run("upgrade"))
    calls = deployment.calls_made()[before:]
    assert calls == [
        "git pull --ff-only",
        "pip install --quiet -r requirements.txt",
        "sudo systemctl restart sci-tracker-web@8001",
        "systemctl restart sci-tracker-web@8001",
        "curl -fsS http://127.0.0.1:8001/healthz",
        "sudo systemctl restart sci-tracker-web@8002",
        "systemctl restart sci-tracker-web@8002",
        "curl -fsS http://127.0.0.1:8002/healthz",
        "sudo systemctl restart sci-tracker-reminders",
        "systemctl restart sci-tracker-reminders",
    ]
    unapplied = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]} | deployment.settings(),
        capture_output=True,
        timeout=HANG,
    )
    assert unapplied.returncode == 0
