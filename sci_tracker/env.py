"""Strict parsers for settings read from environment variables.

A wrong value stops start-up with a message that names the variable, so a typo in a deployment
never falls back silently to a default.
"""

import base64
import contextlib
import os
import secrets
import stat
import warnings
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name):
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def env_str(name, default=""):
    return _raw(name) or default


def env_bool(name, default=False):
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name, default, minimum=0):
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_choice(name, default, choices):
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name, default):
    """A comma-separated list; blank items are dropped."""
    raw = _raw(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name, default):
    value = env_str(name, default)
    if value not in zoneinfo.available_timezones():
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London, not {value!r}."
        )
    return value


def env_path(name, default):
    return Path(env_str(name, str(default))).expanduser().resolve()


def keep_private(path, mode):
    """Take group and other permissions off `path` if it has any. What cannot be changed (a
    file of another user's) is said in a warning, not hidden: start-up goes on."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & 0o077:
            path.chmod(mode)
    except FileNotFoundError:
        pass
    except OSError as error:
        warnings.warn(f"{path} can be read by other users of this machine ({error})", stacklevel=2)


def private_folder(folder):
    """The data folder: made only its owner may open (0700), and made so if it was more open.
    The database, its -wal and -shm files and the secret key live there."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep_private(folder, 0o700)
    return folder


def private_database(path):
    """The SQLite file, made empty with 0600 before SQLite opens it: SQLite gives the -wal and
    -shm files it makes the database file's permissions. Files already there and more open
    are narrowed."""
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        keep_private(path.with_name(path.name + suffix), 0o600)
    return path


def secret_key_in(folder):
    """The key kept in folder/secret_key, made on first use: a local install needs no set-up."""
    return key_file_in(folder, "secret_key", lambda: secrets.token_urlsafe(50))


def key_file_in(folder, name, make):
    """The text kept in folder/name, made by make() on first use and kept private (0600)."""
    path = private_folder(folder) / name
    if not path.exists():
        # Written whole to a private temporary file, then linked into place: if two processes
        # start at once, one link wins and both read the same complete key.
        temporary = path.with_name(f".{name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(make())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def new_vapid_key():
    """A Web Push (VAPID) private key: a P-256 key's private number, 32 bytes in base64url
    without padding, the form `vapid --gen` and the push libraries call "raw"."""
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def env_vapid_key(name):
    """A VAPID private key from the environment, as new_vapid_key writes one, or ""."""
    raw = _raw(name)
    if raw is None:
        return ""
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except ValueError:
        decoded = b""
    if len(decoded) != 32:
        raise ImproperlyConfigured(
            f"{name} must be a VAPID private key: 32 bytes in base64url (43 characters), as "
            "`python -c 'from sci_tracker.env import new_vapid_key; print(new_vapid_key())'` "
            "prints one."
        )
    return raw


def vapid_key_in(folder):
    """The VAPID private key kept in folder/vapid_private_key, made on first use."""
    return key_file_in(folder, "vapid_private_key", new_vapid_key)


def env_site_url(name, default):
    """The address people reach the app at, for links in e-mails the worker sends (it has no
    request to take the host from): http(s)://host[:port], no trailing slash."""
    value = env_str(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise ImproperlyConfigured(
            f"{name} must be the app's address such as https://tracker.example.org, not {value!r}."
        )
    return value


def built_in_cache(table, prefix="sci-tracker"):
    """CACHES for the cache kept in a table of the database (sci_tracker.core.cache)."""
    return {
        "default": {
            "BACKEND": "sci_tracker.core.cache.SharedDatabaseCache",
            "LOCATION": table,
            "KEY_PREFIX": prefix,
            # Counters of limits live here too: culling must not reach them in normal use.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }


def env_caches(name, prefix_name, table):
    """CACHES for the URL in `name`: Redis for `redis://` or `rediss://` (Django's own backend,
    one client a pool: core.cache.RedisCache), or, when unset, the database cache in `table`,
    which every process sharing the database shares too. `prefix_name` sets a key prefix, for a
    Redis that other apps use as well."""
    url = _raw(name)
    prefix = env_str(prefix_name, "sci-tracker")
    if url is None:
        return built_in_cache(table, prefix)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be a Redis URL such as redis://127.0.0.1:6379/0, or unset for the "
            f"built-in cache in the database, not {url!r}."
        )
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ImproperlyConfigured(
            f"{name} must end in a Redis database number (/0 to /15), not {parts.path!r}."
        )
    return {
        "default": {
            "BACKEND": "sci_tracker.core.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
