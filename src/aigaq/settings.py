"""The one settings module. Everything that differs between machines comes from AIGAQ_* variables.

Production is the default: DEBUG can only be switched on together with AIGAQ_DEV=1, and
`aigaq check` / `manage.py check --deploy` refuse insecure combinations.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from aigaq.envconfig import database, envaddress, envbool, envfile, envint, envurl, private_files, secret_key

# Before anything is written (the secret below, the database, uploads): files 0600, folders 0700.
private_files()

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


DEV = envbool("AIGAQ_DEV")
DEBUG = DEV and envbool("AIGAQ_DEBUG")
DATA_DIR = Path(os.environ.get("AIGAQ_DATA_DIR") or (Path.cwd() / "var")).resolve()
# The key-encryption key lives outside the data directory by default, so that a copy of the data
# directory (a backup, a seized disk image of /var) does not carry the key that opens it.
KEY_FILE = Path(
    os.environ.get("AIGAQ_KEY_FILE")
    or Path.home() / ".config" / "aigaq" / f"keys-{hashlib.sha256(str(DATA_DIR).encode()).hexdigest()[:12]}.json"
)
# Case data keys (wrapped by the KEK) live in a small key store beside the key file, not in the
# database, so a database backup holds no key at all and erasing a case's key shreds every backup.
KEY_STORE = Path(os.environ.get("AIGAQ_KEY_STORE") or KEY_FILE.with_name(KEY_FILE.stem + ".casekeys.sqlite3"))


_secret = secret_key(DATA_DIR)
SECRET_KEY = _secret

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("AIGAQ_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("AIGAQ_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The reverse proxy in front (nginx, docs/deploy.md), by the address it connects from. Only a request
# whose peer is this address has its X-Forwarded-For (the visitor's address: rate limits) and
# X-Forwarded-Proto (https) believed; `aigaq serve` hands it to waitress (trusted_proxy), which sets
# REMOTE_ADDR and wsgi.url_scheme from them and drops those headers from any other peer. Unset: no
# peer is believed. Django's SECURE_PROXY_SSL_HEADER stays unset on purpose: it would believe the
# header from whoever sends it if the server in front of Django did not drop it.
TRUSTED_PROXY = envaddress("AIGAQ_TRUSTED_PROXY")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Not django_otp.plugins.otp_totp: its table keeps TOTP secrets in clear. accounts.TotpDevice
    # seals them (accounts migration 0004 moved the old devices over and dropped that table).
    "django_otp",
    # The task queue (aigaq.worker): django-tasks with its database backend, no broker.
    "django_tasks",
    "django_tasks_db",
    "aigaq.audit",
    "aigaq.keys",
    "aigaq.accounts",
    "aigaq.cases",
    "aigaq.evidence",
    "aigaq.insights",
    "aigaq.documents",
    "aigaq.matching",
    "aigaq.network",
    "aigaq.imports",
    "aigaq.reports",
    "aigaq.abuse",
    "aigaq.ops",
    "aigaq.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aigaq.middleware.SecurityHeadersMiddleware",
    "aigaq.middleware.InvisibleCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aigaq.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "aigaq.middleware.SameOriginNullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "aigaq.accounts.middleware.GateMiddleware",
    "aigaq.accounts.middleware.OrganisationLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "aigaq.urls"
WSGI_APPLICATION = "aigaq.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aigaq.accounts.context.membership",
            ],
        },
    }
]


DATABASES = {"default": database(DATA_DIR / "aigaq.sqlite3")}

# The task queue's tasks are rows of that database (django-tasks-db): `aigaq worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
FORMAT_MODULE_PATH = ["aigaq.formats"]  # Kazakh date and number formats (Django ships none for kk)
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "aigaq_lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEV
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEV:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEV

# Sessions: short absolute lifetime, idle timeout enforced by SessionTimeoutMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("AIGAQ_SESSION_MAX_AGE", 12 * 3600)
SESSION_IDLE_TIMEOUT = envint("AIGAQ_SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_USE_SESSIONS = True
CSRF_FAILURE_VIEW = "aigaq.errors.csrf_failure"  # translated, with the quick exit
if DEV:
    SESSION_COOKIE_NAME = "aigaq_sid"
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
else:
    # __Host- cookies are only accepted over HTTPS, for the whole host, without a Domain.
    SESSION_COOKIE_NAME = "__Host-sid"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = envbool("AIGAQ_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

# Staff must see the whole record in two factors in production.
REQUIRE_2FA = envbool("AIGAQ_REQUIRE_2FA", not DEV)
STEP_UP_SECONDS = envint("AIGAQ_STEP_UP_SECONDS", 10 * 60)
# How long a link inviting a new member stays valid.
INVITATION_HOURS = envint("AIGAQ_INVITATION_HOURS", 72)
WAITING_DAYS = envint("AIGAQ_WAITING_DAYS", 30)
RETENTION_YEARS = envint("AIGAQ_RETENTION_YEARS", 0)
# Evidence uploads are held in memory until encrypted (never in a plaintext temp file), so the
# limit also bounds the memory one upload takes.
EVIDENCE_MAX_BYTES = envint("AIGAQ_EVIDENCE_MAX_MB", 25) * 1024 * 1024
# An uploaded sheet waits, sealed, this long for its import; then it is deleted unimported.
IMPORT_UPLOAD_SECONDS = envint("AIGAQ_IMPORT_UPLOAD_SECONDS", 3600)
IMPORT_MAX_BYTES = envint("AIGAQ_IMPORT_MAX_MB", 20) * 1024 * 1024
QUICK_EXIT_URL = os.environ.get("AIGAQ_QUICK_EXIT_URL", "https://www.gismeteo.kz/")
# Survivors' own reports (aigaq.reports): how many one organisation takes in a day, in all, before
# the form asks to come back later (a flood of junk must not fill the disk).
REPORTS_DAILY_QUOTA = envint("AIGAQ_REPORTS_DAILY_QUOTA", 200)
# The court bundle's optional RFC 3161 timestamp: a timestamp server to ask (none by default: the
# instance works offline) and the CA certificate(s) its answers are checked against.
TSA_URL = envurl("AIGAQ_TSA_URL")
TSA_CA_FILE = envfile("AIGAQ_TSA_CA_FILE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AIGAQ_LOG_LEVEL", "INFO")},
    # Request logs can carry query strings; we never put personal data in URLs, and the
    # django.request logger is kept at WARNING so form bodies are never logged.
    "loggers": {"django.request": {"level": "WARNING"}, "django.db.backends": {"level": "WARNING"}},
}
