"""Writes to accounts: sign-ins, members, passwords, second factors, sessions. Each one is audited
in the same transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aigaq.audit.log import record
from aigaq.audit.models import Action, AuditEntry

from .members import acting_member
from .models import Invitation, Membership, Organisation, Role, TotpDevice, User, UserSession, WebAuthnCredential
from .selectors import Device, device_kind, invitation_token_hash

# No look-alike characters: a temporary password is read off a screen and typed once.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A temporary password, shown once and typed once."""
    # 5 groups of 5 from 31 symbols: about 124 bits, far beyond guessing within its short life.
    groups = ("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(5)) for _ in range(5))
    return "-".join(groups)


@dataclass(frozen=True)
class TemporaryPassword:
    """A password a coordinator issued, to be shown once and replaced at the member's next sign-in."""

    member: User
    password: str


@transaction.atomic
def login_record(*, user: User) -> AuditEntry:
    """She gave the right password (a second factor may still be owed)."""
    return record(actor=user, action=Action.LOGIN)


@transaction.atomic
def login_failed_record(*, reason: str = "") -> AuditEntry:
    """A refused sign-in. It names no account, so the log does not collect guessed usernames."""
    return record(actor=None, action=Action.LOGIN_FAILED, extra={"reason": reason} if reason else None)


@transaction.atomic
def logout_record(*, user: User) -> AuditEntry:
    return record(actor=user, action=Action.LOGOUT)


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The interface language she chose, kept on her account so it follows her to other computers."""
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def member_create(*, actor: User, username: str, role: str) -> TemporaryPassword:
    """A new member of the actor's organisation with a temporary password, shown once.

    The coordinator never chooses or knows a lasting password: the member must replace this one
    at her first sign-in, and then enrol a second factor.
    """
    password = temporary_password()
    user = User.objects.create_user(username, password=password)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    Membership.objects.create(user=user, organisation=acting_member(actor).organisation, role=role)
    record(actor=actor, action=Action.USER_CREATED, object_code=user.code, extra={"role": role})
    return TemporaryPassword(member=user, password=password)


@transaction.atomic
def member_password_reset(*, actor: User, member: User) -> TemporaryPassword:
    """A new temporary password for a member who lost hers; her sessions end too."""
    password = temporary_password()
    member.set_password(password)
    member.must_change_password = True
    member.save(update_fields=["password", "must_change_password"])
    UserSession.objects.filter(user=member).delete()
    record(actor=actor, action=Action.PASSWORD_RESET, object_code=member.code)
    return TemporaryPassword(member=member, password=password)


@transaction.atomic
def user_sessions_end(*, actor: User, user: User, keep: UserSession | None = None) -> int:
    """Ends every session of `user` (except `keep`, the actor's own current one)."""
    sessions = UserSession.objects.filter(user=user)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    count, _ = sessions.delete()
    record(actor=actor, action=Action.USER_SESSIONS_ENDED, object_code=user.code, extra={"count": count})
    return count


@transaction.atomic
def user_session_end(*, actor: User, session: UserSession) -> None:
    session.delete()
    record(actor=actor, action=Action.USER_SESSIONS_ENDED, object_code=actor.code, extra={"count": 1})


@transaction.atomic
def user_devices_revoke(*, actor: User, user: User) -> int:
    """Removes all her second factors (a lost phone); she enrols again at her next sign-in.

    Her sessions end too: one that passed with the lost device must not stay open and enrol
    a new factor of the finder's choosing.
    """
    count = (
        TotpDevice.objects.filter(user=user).delete()[0]
        + WebAuthnCredential.objects.filter(user=user).delete()[0]
    )
    UserSession.objects.filter(user=user).delete()
    user.must_enrol_second_factor = True
    user.save(update_fields=["must_enrol_second_factor"])
    record(actor=actor, action=Action.DEVICE_REVOKED, object_code=user.code, extra={"count": count})
    return count


@transaction.atomic
def device_remove(*, actor: User, device: Device) -> None:
    kind = device_kind(device)
    device.delete()
    record(
        actor=actor, action=Action.DEVICE_REVOKED, object_code=actor.code, extra={"count": 1, "kind": kind}
    )


@transaction.atomic
def totp_device_add(*, actor: User, name: str, secret: bytes, last_t: int) -> TotpDevice:
    """Stores an app already confirmed with a code; last_t makes that confirming code spent.
    The secret is stored sealed only (TotpDevice.set_secret)."""
    device = TotpDevice(user=actor, name=name, confirmed=True, last_t=last_t)
    device.set_secret(secret)
    device.save()
    _second_factor_enrolled(actor)
    record(actor=actor, action=Action.DEVICE_ADDED, object_code=actor.code, extra={"kind": "totp"})
    return device


@transaction.atomic
def webauthn_credential_add(*, actor: User, name: str, data: bytes) -> WebAuthnCredential:
    credential = WebAuthnCredential.objects.create(user=actor, name=name, data=data, confirmed=True)
    _second_factor_enrolled(actor)
    record(actor=actor, action=Action.DEVICE_ADDED, object_code=actor.code, extra={"kind": "webauthn"})
    return credential


@transaction.atomic
def password_change(*, actor: User, new_password: str, keep: UserSession | None) -> None:
    """A new password ends her other sessions (Django's session hash would reject them anyway)."""
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    others = UserSession.objects.filter(user=actor)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    others.delete()
    record(actor=actor, action=Action.PASSWORD_CHANGED, object_code=actor.code)


@transaction.atomic
def webauthn_credential_used(*, credential: WebAuthnCredential) -> None:
    WebAuthnCredential.objects.filter(pk=credential.pk).update(last_used_at=timezone.now())


@transaction.atomic
def organisation_create(
    *, actor: User | None, name: str, language: str, coordinator_username: str
) -> TemporaryPassword:
    """A new organisation and its first coordinator, with a temporary password shown once (she
    chooses her own and enrols a second factor at her first sign-in; then she adds the team).
    `actor` None: the server's administrator at its console (`aigaq organisation create`)."""
    organisation = Organisation.objects.create(name=name, default_language=language)
    password = temporary_password()
    user = User.objects.create_user(coordinator_username, password=password, language=language)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    record(actor=actor, action=Action.USER_CREATED, organisation_code=organisation.code, object_code=user.code,
           extra={"role": Role.COORDINATOR})
    return TemporaryPassword(member=user, password=password)


def _second_factor_enrolled(user: User) -> None:
    if user.must_enrol_second_factor:
        user.must_enrol_second_factor = False
        user.save(update_fields=["must_enrol_second_factor"])


# --- The team: invitations, roles, deactivation --------------------------------------------------


class LastCoordinator(PermissionError):
    """The change would leave the organisation without an active coordinator."""


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and its secret, shown once as a link (only its hash is stored)."""

    invitation: Invitation
    token: str


def _same_organisation(actor: User, member: User) -> Membership:
    coordinator = acting_member(actor)
    membership = getattr(member, "membership", None)
    if coordinator.role != Role.COORDINATOR or membership is None or (
        membership.organisation_id != coordinator.organisation_id
    ):
        raise PermissionError("only a coordinator of her own organisation changes a member")
    return membership


def _other_active_coordinators(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.COORDINATOR, user__is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_invite(*, actor: User, role: str) -> IssuedInvitation:
    """A one-time link for joining the actor's organisation with `role`, valid INVITATION_HOURS."""
    coordinator = acting_member(actor)
    if coordinator.role != Role.COORDINATOR:
        raise PermissionError("only a coordinator invites members")
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=coordinator.organisation,
        role=role,
        token_hash=invitation_token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_HOURS),
    )
    record(actor=actor, action=Action.INVITATION_ISSUED, object_code=invitation.code, extra={"role": role})
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, username: str, password: str) -> User:
    """Her account, made from the invitation with the password she chose; the link is spent.

    The invitation row is locked, so two submissions of one link cannot both create an account.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at is not None or locked.expires_at <= timezone.now():
        raise PermissionError("the invitation is spent or expired")
    user = User.objects.create_user(username, password=password)
    Membership.objects.create(user=user, organisation_id=locked.organisation_id, role=locked.role)
    locked.used_at = timezone.now()
    locked.user = user
    locked.save(update_fields=["used_at", "user"])
    record(actor=user, action=Action.USER_CREATED, object_code=user.code,
           extra={"role": locked.role, "invitation": locked.code})
    return user


@transaction.atomic
def member_role_change(*, actor: User, member: User, role: str) -> Membership:
    """Her new role. The organisation's last active coordinator keeps hers."""
    membership = _same_organisation(actor, member)
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    if membership.role == role:
        return membership
    if membership.role == Role.COORDINATOR and not _other_active_coordinators(membership):
        raise LastCoordinator("the organisation's last coordinator keeps her role")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(actor=actor, action=Action.USER_ROLE_CHANGED, object_code=member.code,
           extra={"from": before, "to": role})
    return membership


@transaction.atomic
def member_deactivate(*, actor: User, member: User) -> User:
    """She can no longer sign in: her sessions end at once and her second factors are removed.
    Her records, her places on cases and the audit entries that name her stay."""
    membership = _same_organisation(actor, member)
    if membership.role == Role.COORDINATOR and not _other_active_coordinators(membership):
        raise LastCoordinator("the organisation's last coordinator stays active")
    member.is_active = False
    member.save(update_fields=["is_active"])
    sessions = UserSession.objects.filter(user=member).delete()[0]
    devices = (
        TotpDevice.objects.filter(user=member).delete()[0]
        + WebAuthnCredential.objects.filter(user=member).delete()[0]
    )
    record(actor=actor, action=Action.USER_DEACTIVATED, object_code=member.code,
           extra={"sessions": sessions, "devices": devices})
    return member


@transaction.atomic
def member_reactivate(*, actor: User, member: User) -> TemporaryPassword:
    """She may sign in again, with a temporary password shown once; she then chooses her own and
    sets up a new second factor (the old ones were removed when she was deactivated)."""
    _same_organisation(actor, member)
    password = temporary_password()
    member.is_active = True
    member.set_password(password)
    member.must_change_password = True
    member.must_enrol_second_factor = True
    member.save(update_fields=["is_active", "password", "must_change_password", "must_enrol_second_factor"])
    record(actor=actor, action=Action.USER_REACTIVATED, object_code=member.code)
    return TemporaryPassword(member=member, password=password)
