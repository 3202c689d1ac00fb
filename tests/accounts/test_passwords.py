from __future__ import annotations

import pytest
from django.test import override_settings

from aigaq import settings as production
from aigaq.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_new_users_password_is_stored_as_argon2_with_production_hashers() -> None:
    # tests/settings.py puts a fast hasher first; this test uses the production list itself.
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user("dana", password="a long enough passphrase")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password("a long enough passphrase")
