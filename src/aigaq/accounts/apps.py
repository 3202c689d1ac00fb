from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aigaq.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.urls import reverse
        from django.utils.translation import gettext as _

        from . import nav, sessions
        from .audit_page import audit_link
        from .models import Membership, Role

        user_logged_in.connect(sessions.on_login, dispatch_uid="aigaq.accounts.sessions.on_login")
        user_logged_out.connect(sessions.on_logout, dispatch_uid="aigaq.accounts.sessions.on_logout")

        def account_links(member: Membership) -> list[nav.NavLink]:
            links = [nav.NavLink(url=reverse("accounts:account"), label=_("My account"))]
            if member.role == Role.COORDINATOR:
                links.append(nav.NavLink(url=reverse("accounts:team"), label=_("Team")))
            return links

        nav.register(account_links)
        nav.register(audit_link)
