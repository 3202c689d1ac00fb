"""Test configuration: the production settings module, pointed at throw-away directories.

Tests run with production security settings (secure cookies, 2FA switchable per test) except
the HTTPS redirect, which Django's test client cannot follow.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_tmp = Path(tempfile.mkdtemp(prefix="aigaq-test-"))
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
os.environ["AIGAQ_DATA_DIR"] = str(_tmp / "data")
os.environ["AIGAQ_KEY_FILE"] = str(_tmp / "keys" / "keys.json")
os.environ.setdefault("AIGAQ_SSL_REDIRECT", "0")
os.environ.setdefault("AIGAQ_REQUIRE_2FA", "0")
os.environ.setdefault("AIGAQ_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.pop("AIGAQ_DEV", None)
os.environ.pop("AIGAQ_DATABASE_URL", None)
if os.environ.get("AIGAQ_TEST_ON_POSTGRES") and os.environ.get("AIGAQ_TEST_DATABASE_URL"):
    os.environ["AIGAQ_DATABASE_URL"] = os.environ["AIGAQ_TEST_DATABASE_URL"]

from aigaq.lib import crypto  # noqa: E402

crypto.generate_key_file(Path(os.environ["AIGAQ_KEY_FILE"]))

from aigaq.settings import *  # noqa: E402,F403

# Argon2 is the production hasher (tested in tests/accounts); a fast one keeps fixtures quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# The network's services run as their own processes with their own settings (aigaq.hub.settings,
# aigaq.keyservice.settings); their models are installed here too so unit tests can reach them in
# one database. tests/network/ starts the real processes, each with its own.
INSTALLED_APPS = [*INSTALLED_APPS, "aigaq.peers", "aigaq.hub", "aigaq.keyservice"]  # noqa: F405
