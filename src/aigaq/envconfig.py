"""Reading configuration from AIGAQ_* variables: small helpers that fail loudly, shared by the
settings of every Aigaq process (an organisation's instance, the network hub, the key service)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def private_files() -> None:
    """Everything this process creates from now on (the SQLite database, its WAL and journal,
    uploads, the key store, the generated secret, collected static files) is its user's alone:
    files 0600, folders 0700, whatever umask the process was started with. SQLite gives its WAL and
    journal the database file's mode, so the database must be created under this too. `aigaq
    check` reports anything wider that was made before (or by hand)."""
    os.umask(0o077)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envseconds(name: str, default: int) -> int:
    """A period in whole seconds, 0 meaning off (a serve-process job's interval)."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of seconds (0: off), not {value!r}")
    return seconds


def envaddress(name: str) -> str | None:
    """One IP address (a reverse proxy's), written as the WSGI server will see it in REMOTE_ADDR;
    None when unset. Never a wildcard: trusting every peer would let anyone forge its address."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be one IP address (the reverse proxy's, e.g. 127.0.0.1), "
                                   f"not {value!r}") from exc


def envurl(name: str) -> str | None:
    """An http:// or https:// URL of a service this instance calls out to (a timestamp server);
    None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")) or len(value.split("/", 3)[2]) == 0:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL, not {value!r}")
    return value


def envfile(name: str) -> Path | None:
    """A file this process must be able to read (a CA certificate); None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_file() or not os.access(path, os.R_OK):
        raise ImproperlyConfigured(f"{name} points to {value}, which is not a file this process can read")
    return path


def envsecret(name: str) -> str | None:
    """A secret from NAME or from the file named by NAME_FILE (for container secrets)."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to {path}, which cannot be read: {exc}") from exc
    return None


def secret_key(data_dir: Path) -> str:
    """AIGAQ_SECRET_KEY, or one generated once and kept (mode 0600) in the data directory."""
    secret = envsecret("AIGAQ_SECRET_KEY")
    if secret:
        return secret
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret


def database(default_file: Path) -> dict[str, object]:
    """AIGAQ_DATABASE_URL, or SQLite in `default_file`."""
    url = os.environ.get("AIGAQ_DATABASE_URL")
    if url:
        if not url.startswith(("postgres://", "postgresql://", "sqlite:///")):
            raise ImproperlyConfigured("AIGAQ_DATABASE_URL must start with postgres:// (or sqlite:/// for tests)")
        db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if url.startswith("sqlite"):
            db["OPTIONS"] = _sqlite_options()
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_file,
        "OPTIONS": _sqlite_options(),
    }


def _sqlite_options() -> dict[str, object]:
    # WAL lets readers work while a writer commits; foreign keys are on by default in Django's
    # SQLite backend; IMMEDIATE transactions avoid "database is locked" upgrades under load.
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }




def service_settings(*, app: str, urlconf: str, database_file: str) -> dict[str, object]:
    """The settings of a network service (the hub, the key service): one app of its own, the
    audit log and the peers it accepts signed requests from, its own database in AIGAQ_DATA_DIR
    (or AIGAQ_DATABASE_URL). No sessions, no templates, no browser: JSON over signed requests."""
    private_files()
    data_dir = Path(os.environ.get("AIGAQ_DATA_DIR") or (Path.cwd() / "var")).resolve()
    dev = envbool("AIGAQ_DEV")
    hosts = os.environ.get("AIGAQ_ALLOWED_HOSTS", "127.0.0.1,localhost")
    return {
        "DEV": dev,
        "DEBUG": False,
        "DATA_DIR": data_dir,
        "SECRET_KEY": secret_key(data_dir),
        "ALLOWED_HOSTS": [h.strip() for h in hosts.split(",") if h.strip()],
        "INSTALLED_APPS": ["django.contrib.auth", "django.contrib.contenttypes", "aigaq.audit", "aigaq.peers", app],
        "MIDDLEWARE": ["django.middleware.security.SecurityMiddleware", "aigaq.middleware.SecurityHeadersMiddleware",
                       "django.middleware.common.CommonMiddleware"],
        "ROOT_URLCONF": urlconf,
        "DATABASES": {"default": database(data_dir / database_file)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Almaty",
        "USE_I18N": False,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "LOGGING": {"version": 1, "disable_existing_loggers": False,
                    "handlers": {"console": {"class": "logging.StreamHandler"}},
                    # Request paths only, never bodies: bodies are encodings and contact details.
                    "loggers": {"django.request": {"handlers": ["console"], "level": "WARNING"}}},
    }
