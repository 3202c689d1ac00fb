from django.urls import path

from . import account_views, team_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/app/", views.enrol_totp, name="enrol_totp"),
    path("two-factor/key/", views.enrol_key, name="enrol_key"),
    path("me/", account_views.account, name="account"),
    path("me/password/", account_views.password, name="password"),
    path("me/sessions/end/", account_views.session_end, name="session_end"),
    path("me/devices/remove/", account_views.device_remove, name="device_remove"),
    path("team/", team_views.team, name="team"),
    path("team/new/", team_views.team_member_create, name="team_member_create"),
    path("team/invite/", team_views.team_member_invite, name="team_member_invite"),
    path("join/<str:token>/", team_views.join, name="join"),
    path("team/<str:code>/role/", team_views.team_member_role, name="team_member_role"),
    path("team/<str:code>/deactivate/", team_views.team_member_deactivate, name="team_member_deactivate"),
    path("team/<str:code>/reactivate/", team_views.team_member_reactivate, name="team_member_reactivate"),
    path("team/<str:code>/password/", team_views.team_member_password, name="team_member_password"),
    path("team/<str:code>/sessions/end/", team_views.team_member_sessions_end, name="team_member_sessions_end"),
    path(
        "team/<str:code>/devices/revoke/", team_views.team_member_devices_revoke, name="team_member_devices_revoke"
    ),
]
