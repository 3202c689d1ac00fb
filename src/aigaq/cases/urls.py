from django.urls import path

from . import edit_views, erasure_views, event_views, office_views, people_views, record_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("export.<str:fmt>", views.case_export, name="export"),
    path("offices/", office_views.offices_to_map, name="offices_to_map"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/events/<str:event_type>/", event_views.event_add, name="event_add"),
    path("<str:code>/event/<str:event_code>/", event_views.event_correct, name="event_correct"),
    path("<str:code>/event/<str:event_code>/retract/", event_views.event_retract, name="event_retract"),
    path("<str:code>/suspects/", record_views.suspect_add, name="suspect_add"),
    path("<str:code>/suspects/<str:suspect_code>/reveal/", record_views.suspect_reveal, name="suspect_reveal"),
    path("<str:code>/referrals/", record_views.referral_add, name="referral_add"),
    path("<str:code>/notes/", record_views.note_add, name="note_add"),
    path("<str:code>/costs/", record_views.cost_add, name="cost_add"),
    path("<str:code>/witnesses/", record_views.witness_add, name="witness_add"),
    path("<str:code>/consent/", record_views.consent_update, name="consent_update"),
    path("<str:code>/survivor/edit/", edit_views.record_edit, {"kind": "survivor"}, name="survivor_edit"),
    path("<str:code>/incident/edit/", edit_views.record_edit, {"kind": "incident"}, name="incident_edit"),
    path("<str:code>/suspects/<str:record_code>/edit/", edit_views.record_edit, {"kind": "suspect"},
         name="suspect_edit"),
    path("<str:code>/witnesses/<str:record_code>/edit/", edit_views.record_edit, {"kind": "witness"},
         name="witness_edit"),
    path("<str:code>/referrals/<str:record_code>/edit/", edit_views.record_edit, {"kind": "referral"},
         name="referral_edit"),
    path("<str:code>/costs/<str:record_code>/edit/", edit_views.record_edit, {"kind": "cost"}, name="cost_edit"),
    path("<str:code>/notes/<str:record_code>/edit/", edit_views.record_edit, {"kind": "note"}, name="note_edit"),
    path("<str:code>/people/", people_views.case_share, name="share"),
    path("<str:code>/people/<str:place>/remove/", people_views.case_unshare, name="unshare"),
    path("<str:code>/hearing/", people_views.next_hearing_set, name="next_hearing"),
    path("<str:code>/close/", erasure_views.case_close, name="close"),
    path("<str:code>/reopen/", erasure_views.case_reopen, name="reopen"),
    path("<str:code>/erase/", erasure_views.case_erase, name="erase"),
]
