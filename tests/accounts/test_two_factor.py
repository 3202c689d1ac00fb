"""Two-factor sign-in: enrolment with an app or a key, the second step, and the gate that keeps
records shut until both factors are given."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from aigaq.accounts.models import TotpDevice, User, WebAuthnCredential
from aigaq.cases.models import Case

from .helpers import SoftKey, code_for, options_in, secret_on_page, sign_in, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings: Any) -> None:
    settings.REQUIRE_2FA = True


def add_app(user: User) -> TotpDevice:
    return TotpDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_without_a_device_she_is_sent_to_enrolment_and_no_record_opens(
    required: None, alice: User, case: Case
) -> None:
    client, _ = sign_in("alice")
    for url in ("/cases/", f"/cases/{case.code}/", "/cases/new/", "/accounts/me/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/accounts/two-factor/"), url
    assert client.get("/accounts/two-factor/").status_code == 200


def test_the_app_is_set_up_with_a_qr_code_and_a_confirming_code(required: None, alice: User) -> None:
    client, _ = sign_in("alice")
    page = client.get("/accounts/two-factor/app/")
    body = page.content.decode()
    assert "<svg" in body and "<path" in body
    secret = secret_on_page(page)
    wrong = client.post("/accounts/two-factor/app/", {"name": "Phone", "code": "000000"})
    assert wrong.status_code == 200
    assert not TotpDevice.objects.filter(user=alice).exists()
    right = client.post("/accounts/two-factor/app/", {"name": "Phone", "code": code_for(secret)})
    assert right.status_code == 302
    assert TotpDevice.objects.get(user=alice).confirmed
    assert client.get("/cases/").status_code == 200


def test_with_an_app_she_must_give_a_code_after_her_password(required: None, alice: User) -> None:
    device = add_app(alice)
    client, _ = sign_in("alice")
    assert client.get("/cases/").headers["Location"].startswith("/accounts/verify/")
    assert client.post("/accounts/verify/", {"code": "123456"}).status_code == 200
    assert client.get("/cases/").status_code == 302
    # django-otp throttles a device after a wrong code: even the right one waits a moment.
    assert client.post("/accounts/verify/", {"code": totp_code(device)}).status_code == 200
    TotpDevice.objects.get(pk=device.pk).throttle_reset()
    response = client.post("/accounts/verify/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_a_second_factor_is_asked_for_whenever_she_has_one_even_if_not_required(alice: User) -> None:
    add_app(alice)
    client, _ = sign_in("alice")
    assert client.get("/cases/").headers["Location"].startswith("/accounts/verify/")


def test_a_totp_code_works_only_once(required: None, alice: User) -> None:
    device = add_app(alice)
    code = totp_code(device)
    first, _ = sign_in("alice")
    assert first.post("/accounts/verify/", {"code": code}).status_code == 302
    second, _ = sign_in("alice")
    assert second.post("/accounts/verify/", {"code": code}).status_code == 200
    assert second.get("/cases/").status_code == 302


def test_the_session_id_changes_when_the_second_factor_is_given(required: None, alice: User) -> None:
    device = add_app(alice)
    client, _ = sign_in("alice")
    before = client.session.session_key
    client.post("/accounts/verify/", {"code": totp_code(device)})
    assert client.session.session_key != before
    assert client.get("/cases/").status_code == 200


def test_code_guessing_is_limited(required: None, alice: User) -> None:
    add_app(alice)
    client, _ = sign_in("alice")
    for _ in range(10):
        client.post("/accounts/verify/", {"code": "000000"})
    response = client.post("/accounts/verify/", {"code": "000000"})
    assert "Try again in" in response.content.decode() or "Попробуйте" in response.content.decode()


def test_a_security_key_is_registered_and_then_signs_her_in(required: None, alice: User) -> None:
    key = SoftKey()
    client, _ = sign_in("alice")
    options = options_in(client.get("/accounts/two-factor/key/"))
    assert options["publicKey"]["user"]["id"] != "alice"
    response = client.post("/accounts/two-factor/key/", {"name": "Yubikey", "response": key.create(options)})
    assert response.status_code == 302
    assert WebAuthnCredential.objects.filter(user=alice).count() == 1

    again, _ = sign_in("alice")
    assert again.get("/cases/").status_code == 302
    options = options_in(again.get("/accounts/verify/"))
    assert again.post("/accounts/verify/", {"response": key.get(options)}).status_code == 302
    assert again.get("/cases/").status_code == 200


def test_a_key_answer_for_another_site_or_another_key_is_refused(required: None, alice: User) -> None:
    key = SoftKey()
    client, _ = sign_in("alice")
    options = options_in(client.get("/accounts/two-factor/key/"))
    client.post("/accounts/two-factor/key/", {"name": "Yubikey", "response": key.create(options)})

    phished, _ = sign_in("alice")
    options = options_in(phished.get("/accounts/verify/"))
    phished.post("/accounts/verify/", {"response": key.get(options, origin="https://aigaq-login.example")})
    assert phished.get("/cases/").status_code == 302

    stranger = Client()
    sign_in("alice", client=stranger)
    options = options_in(stranger.get("/accounts/verify/"))
    response = stranger.post("/accounts/verify/", {"response": SoftKey().get(options)})
    assert response.status_code == 200
    assert stranger.get("/cases/").status_code == 302


def test_a_garbage_key_answer_is_refused_without_error(required: None, alice: User) -> None:
    key = SoftKey()
    client, _ = sign_in("alice")
    options = options_in(client.get("/accounts/two-factor/key/"))
    client.post("/accounts/two-factor/key/", {"name": "Yubikey", "response": key.create(options)})
    other, _ = sign_in("alice")
    other.get("/accounts/verify/")
    for junk in ("{}", "not json", '{"rawId": "AAAA", "response": {}}', "[1,2]"):
        assert other.post("/accounts/verify/", {"response": junk}).status_code == 200
