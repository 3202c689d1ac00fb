"""Reads for the accounts pages, always on behalf of the user (or the member) who asks.

A session, a device or a team member is found by its random code, and only among the asker's own:
any other code, another user's included, is 404, as for one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from aigaq.keys.store import blind_index

from . import sessions
from .models import Invitation, Membership, TotpDevice, User, UserSession, WebAuthnCredential

Device = TotpDevice | WebAuthnCredential
# How the account page names each kind of device in its "remove" form ("totp:<code>").
DEVICE_KINDS: dict[str, type[Device]] = {"totp": TotpDevice, "webauthn": WebAuthnCredential}


@dataclass(frozen=True)
class TeamRow:
    user: User
    role: str  # her role's label
    role_code: str
    two_factor: bool
    sessions: int


def security_keys(user: User) -> list[WebAuthnCredential]:
    """Her confirmed security keys and passkeys, the ones that sign her in."""
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True))


def registered_key_data(user: User) -> list[bytes]:
    """The credential data of every key she registered, so the browser will not register one twice."""
    return [bytes(c.data) for c in WebAuthnCredential.objects.filter(user=user)]


def has_authenticator_app(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


def devices(user: User) -> list[Device]:
    """Her second factors as her account page lists them: apps first, then keys."""
    return [
        *TotpDevice.objects.filter(user=user, confirmed=True),
        *WebAuthnCredential.objects.filter(user=user),
    ]


def device_kind(device: Device) -> str:
    return "totp" if isinstance(device, TotpDevice) else "webauthn"


def get_device_for_user(user: User, kind: str, code: str) -> Device:
    model = DEVICE_KINDS.get(kind)
    device = model.objects.filter(user=user, code=code).first() if model is not None else None
    if device is None:
        raise Http404("No such device")
    return device


def live_sessions(user: User) -> list[UserSession]:
    """Her sessions active within the idle timeout, most recent first."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    return list(UserSession.objects.filter(user=user, last_seen__gte=cutoff))


def get_session_for_user(user: User, code: str) -> UserSession:
    session = UserSession.objects.filter(user=user, code=code).first()
    if session is None:
        raise Http404("No such session")
    return session


def team_rows(coordinator: Membership, *, find: str = "") -> list[TeamRow]:
    """The members of the coordinator's organisation, by username, with what the team page shows;
    with `find`, only those whose username holds it or whose e-mail address is exactly it."""
    members = (
        Membership.objects.filter(organisation_id=coordinator.organisation_id)
        .select_related("user")
        .order_by("user__username")
    )
    find = find.strip()
    if find:
        members = members.filter(Q(user__username__icontains=find) | Q(user__email__iexact=find))
    return [
        TeamRow(
            user=member.user,
            role=member.get_role_display(),
            role_code=member.role,
            two_factor=sessions.has_second_factor(member.user),
            sessions=len(live_sessions(member.user)),
        )
        for member in members
    ]


def get_member_for_coordinator(coordinator: Membership, code: str) -> User:
    """A member of the coordinator's own organisation, by random code; 404 for anyone else."""
    member = (
        Membership.objects.filter(organisation_id=coordinator.organisation_id, user__code=code)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404("No such member")
    return member.user


def invitation_token_hash(token: str) -> str:
    return blind_index("invitation", token)


def open_invitation(token: str) -> Invitation:
    """The unspent, unexpired invitation this link's secret opens; 404 for any other secret."""
    invitation = (
        Invitation.objects.filter(token_hash=invitation_token_hash(token), used_at__isnull=True,
                                  expires_at__gt=timezone.now())
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def pending_invitations(coordinator: Membership) -> list[Invitation]:
    """The organisation's invitations not yet used and not expired, newest first."""
    return list(Invitation.objects.filter(organisation_id=coordinator.organisation_id, used_at__isnull=True,
                                          expires_at__gt=timezone.now()))
