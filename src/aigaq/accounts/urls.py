from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/app/", views.enrol_totp, name="enrol_totp"),
    path("two-factor/key/", views.enrol_key, name="enrol_key"),
    path("me/", views.account, name="account"),
    path("me/password/", views.password, name="password"),
    path("me/sessions/end/", views.session_end, name="session_end"),
    path("me/devices/remove/", views.device_remove, name="device_remove"),
    path("team/", views.team, name="team"),
    path("team/new/", views.team_member_create, name="team_member_create"),
    path("team/<str:code>/password/", views.team_member_password, name="team_member_password"),
    path("team/<str:code>/sessions/end/", views.team_member_sessions_end, name="team_member_sessions_end"),
    path(
        "team/<str:code>/devices/revoke/", views.team_member_devices_revoke, name="team_member_devices_revoke"
    ),
]
