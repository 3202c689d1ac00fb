from django.urls import path

from . import public_views, staff_views

app_name = "reports"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("sent/", public_views.sent, name="sent"),
    path("open/", public_views.open_report, name="open"),
    path("mine/", public_views.mine, name="mine"),
    path("mine/add/", public_views.add, name="add"),
    path("mine/choice/", public_views.change_choice, name="choice"),
    path("mine/delete/", public_views.delete, name="delete"),
    path("mine/leave/", public_views.leave, name="leave"),
    path("mine/share/", public_views.share, name="share"),
    path("queue/", staff_views.queue, name="queue"),
    path("queue/<str:code>/", staff_views.detail, name="detail"),
    path("queue/<str:code>/reply/", staff_views.reply, name="reply"),
    path("queue/<str:code>/spam/", staff_views.spam, name="spam"),
    path("queue/<str:code>/case/", staff_views.to_case, name="to_case"),
    path("queue/<str:code>/merge/", staff_views.merge, name="merge"),
    path("<str:org>/", public_views.report_form, name="form"),
]
