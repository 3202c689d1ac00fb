"""What vulture cannot see being used, reviewed one by one (`make lint`). Each line names why.

Django and other libraries call these by name; vulture only sees Python calls in this tree."""

# ruff: noqa
# mypy: ignore-errors
from aigaq.keys import sealed
from aigaq.evidence import files

sealed.SealedTextField.from_db_value  # Django's Field API: called when a row is read
sealed.SealedTextField.pre_save  # Django's Field API: called before a row is written
sealed.SealedTextField.value_from_object  # Django's Field API: serialisation, forms
files.MemoryOnlyUploadHandler.handle_raw_input  # Django's FileUploadHandler API
files.MemoryOnlyUploadHandler.receive_data_chunk  # Django's FileUploadHandler API
files.MemoryOnlyUploadHandler.file_complete  # Django's FileUploadHandler API

from aigaq import middleware
from aigaq.reference import entries

middleware.SecurityHeadersMiddleware  # named in settings.MIDDLEWARE
middleware.SameOriginNullOriginMiddleware  # named in settings.MIDDLEWARE
middleware.InvisibleCharactersMiddleware  # named in settings.MIDDLEWARE

from aigaq.accounts import middleware as accounts_middleware, models as accounts_models, selectors

accounts_middleware.SessionTimeoutMiddleware  # named in settings.MIDDLEWARE
accounts_middleware.GateMiddleware  # named in settings.MIDDLEWARE
accounts_middleware.OrganisationLanguageMiddleware  # named in settings.MIDDLEWARE
accounts_models.TotpDevice.get_throttle_factor  # django-otp's ThrottlingMixin calls it
selectors.TeamRow.two_factor  # read in accounts/team.html

# Fields of the reference data files (reference/data/*.json): each entry is loaded into these
# dataclasses whole, tests/reference checks them, SOURCES.md documents them; the app reads some.
entries.Entry.kk_verified
entries.Entry.unverified_fields
entries.Region.iso_alpha_old
entries.Article.law_version
entries.Article.valid_from
entries.Article.valid_until
entries.Article.private_prosecution
entries.GbvType.is_gbv

from aigaq.keys import store

store.case_key_exists  # the key store's own question; the erasure tests ask it of every erased case
_.expression  # Django's from_db_value(value, expression, connection) signature

from aigaq.cases import forms, listing, pathway, personal, reveal, selectors as case_selectors, services

forms.IncidentForm.gbv_fields  # read by cases/new.html
pathway.Derived.waiting  # read by cases/flags.html
reveal.Identifiers.any_given  # read by cases/detail.html
case_selectors.CasePage.timeline  # read by cases/detail.html
case_selectors.CasePage.stage_label  # read by cases/detail.html
case_selectors.HistoryEntry.who  # read by cases/edit.html
case_selectors.CasePage.repeat_suspect  # read by cases/detail.html (the flag beside the stage)
listing.CaseRow.repeat_suspect  # read by cases/list.html
case_selectors.TimelineEntry.correctable  # read by cases/detail.html (the "correct or retract" link)
pathway.Interval.in_hours  # read by cases/interval.html
_.retracted_by  # PathwayEvent.retracted_by, a model field set by services.pathway_event_retract
personal.PERSONAL_FIELDS  # tests/protection/test_personal_fields.py checks the models against it
services.suspect_update  # tests/matching re-match through it; issue 12's suspect edit form will call it
_.input_data  # Django's FileUploadHandler.handle_raw_input signature
_.boundary  # Django's FileUploadHandler.handle_raw_input signature
_.encoding  # Django's FileUploadHandler.handle_raw_input signature
_.upload_handlers  # HttpRequest.upload_handlers, set by the evidence upload view
_.content  # HttpResponse.content, emptied when a download fails its integrity check

from aigaq.insights import figures as insights_figures
from aigaq.insights import models as insights_models
from aigaq.insights.sections import tables as insights_tables
from aigaq.matching import models as matching_models
from aigaq.matching import selectors as matching_selectors

# insights.figures.Figures fills CaseFigures by field name, and rollup reads its columns by name.
insights_figures.Figures.reported
insights_figures.Figures.refusal_reason
insights_figures.Figures.police_unit
insights_figures.Figures.days_to_registration
insights_figures.Figures.hours_to_registration
insights_figures.Figures.registered_sexual
insights_figures.Figures.had_hearing
insights_figures.Figures.defence_mask
insights_figures.Figures.sentence_type
insights_figures.Figures.sentence_months
insights_figures.Figures.days_to_verdict
insights_figures.Figures.survivor_paid
insights_figures.Figures.survivor_paid_lawyer
insights_models.CaseFigures.refreshed_at  # a model field, kept for operators
insights_tables.Section.definition  # read by the dashboard and report templates
matching_selectors.QueueSizes.confirmed  # read by matching/queue.html
matching_selectors.QueueSizes.rejected  # read by matching/queue.html
# Model fields written through the ORM and read in templates or by name in queries (F("decisions_since")).
matching_models.MatchingModel.fitted_at
matching_models.MatchingModel.decisions_since
matching_models.MatchingRefit.requested_at
matching_models.MatchingRefit.started_at
matching_models.MatchAlert.updated_at
matching_models.MatchAlert.claimed_by
matching_models.MatchAlert.claimed_at
matching_models.AlertDecision.decided_by
_.LANGUAGE_CODE  # HttpRequest.LANGUAGE_CODE, read by Django's i18n and templates

from aigaq import envconfig

# Called by settings.py, which vulture leaves out (Django reads its UPPER_CASE names).
envconfig.envbool
envconfig.envint
envconfig.secret_key
envconfig.database
envconfig.envaddress
envconfig.envurl
envconfig.envfile

from aigaq.lib.crypto import oprf

oprf.KeyHolder.evaluate_known  # the OPRF of a known input: tests and bench/network check the protocol against it

from aigaq.linkage import network as linkage_network

linkage_network.EVIDENCE_KINDS  # the order the hub is to show agreeing kinds in (docs/network.md); bench/network uses it

from aigaq import worker

worker.PeriodicWorker.stop  # stops a serve-process thread; the tests stop theirs with it

from aigaq import django_messages

django_messages.DJANGO_MESSAGES  # extraction only: `make messages` keeps Django's overridden messages in the project catalogue

from aigaq import errors, urls

# Django calls these by the dotted names in urls.py (handler400…) and settings.CSRF_FAILURE_VIEW,
# passing `exception` / `reason` by keyword.
errors.bad_request, errors.permission_denied, errors.page_not_found, errors.server_error, errors.csrf_failure
urls.handler400, urls.handler403, urls.handler404, urls.handler500
exception  # keyword argument Django passes to the error handlers
# Read by templates: accounts/team.html (the role select) and cases/people.html (the people block).
selectors.TeamRow.role_code
from aigaq.cases import people as case_people
case_people.Place.active
case_people.People.can_manage
case_people.People.read_only

from docx.text.paragraph import Paragraph

Paragraph.alignment  # python-docx writes it into the .docx (documents/render.py: the addressee)

from aigaq.imports import forms as import_forms

import_forms.MappingForm.column_fields, import_forms.MappingForm.option_fields  # read by imports/map.html
data_type  # openpyxl's cell attribute: set to "s" so that a text beginning with "=" is never a formula

from aigaq.reports.models import Report

Report.matched_at  # when a sealed report was found to match; shown on the coordinator's page (template)
from aigaq.lib.crypto import receipt

receipt.ENTROPY_BITS  # the receipt code's strength, checked by tests/reports/test_public_form.py
from aigaq.keys import store as key_store

# Which wraps of a report's key the key store holds: the properties tests/reports/test_survivor_key.py proves.
key_store.report_key_exists, key_store.report_survivor_wrap_exists

from aigaq.abuse import selectors as abuse_selectors

abuse_selectors.Revision.revision  # read in abuse/_history.html
abuse_selectors.Figures.platforms  # read in abuse/figures.html
abuse_selectors.Figures.any_suppressed  # read in abuse/figures.html
quotePrefix  # openpyxl's cell style: Excel keeps a formula-like text as text when edited (lib/sheets.py)
number_format  # openpyxl's cell attribute: dates shown as yyyy-mm-dd in exported workbooks (lib/sheets.py)
font  # openpyxl's cell attribute: the header row in bold (lib/sheets.py)
