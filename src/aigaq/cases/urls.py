from django.urls import path

from . import erasure_views, event_views, people_views, record_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/events/<str:event_type>/", event_views.event_add, name="event_add"),
    path("<str:code>/suspects/", record_views.suspect_add, name="suspect_add"),
    path("<str:code>/suspects/<str:suspect_code>/reveal/", record_views.suspect_reveal, name="suspect_reveal"),
    path("<str:code>/referrals/", record_views.referral_add, name="referral_add"),
    path("<str:code>/notes/", record_views.note_add, name="note_add"),
    path("<str:code>/costs/", record_views.cost_add, name="cost_add"),
    path("<str:code>/witnesses/", record_views.witness_add, name="witness_add"),
    path("<str:code>/consent/", record_views.consent_update, name="consent_update"),
    path("<str:code>/people/", people_views.case_share, name="share"),
    path("<str:code>/people/<str:place>/remove/", people_views.case_unshare, name="unshare"),
    path("<str:code>/hearing/", people_views.next_hearing_set, name="next_hearing"),
    path("<str:code>/close/", erasure_views.case_close, name="close"),
    path("<str:code>/reopen/", erasure_views.case_reopen, name="reopen"),
    path("<str:code>/erase/", erasure_views.case_erase, name="erase"),
]
