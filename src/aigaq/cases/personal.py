"""The one place that says what is personal data.

Every field that identifies a person, and every free-text field, is listed here. The model
fields listed are SealedTextFields (encrypted at rest); pathway event fields marked personal in
`aigaq.cases.pathway` are kept in the event's sealed `details`. A test checks that this list,
the models and the pathway specs agree, so a new personal field cannot be added in plaintext.
"""

from __future__ import annotations

PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "Survivor": ("pseudonym", "name", "contact"),
    "Incident": ("settlement", "account"),
    "Suspect": ("full_name", "aliases", "phones", "handles", "plates", "iins", "birth_date", "description"),
    "Witness": ("name", "contact", "statement"),
    "Referral": ("provider", "note"),
    "Note": ("text",),
    "Cost": ("note",),
    "PathwayEvent": ("details_sealed", "correction_reason", "retraction_reason"),
    # Evidence files are sealed in the file store; their row seals the description, the original
    # name and the hashes (a plain hash would tell whether a known file is held), and the
    # signature made at receipt over the hash (with the public key, it would tell the same).
    "EvidenceItem": ("title", "filename", "sha256", "received_sha256", "receipt_signature"),
    "EvidenceRevision": ("title", "reason"),
    "AlertDecision": ("note",),
    # Not case data, but a seized database must not name the staff either: sealed under a
    # key-file subkey rather than a case key (aigaq.accounts.models.User).
    "User": ("first_name", "last_name"),
    # Not listed, being bytes rather than text: a generated document's .docx and PDF
    # (documents.GeneratedDocument.docx_sealed, pdf_sealed) are sealed whole under the case's key.
    # A survivor's own report (aigaq.reports): everything she writes, under the report's own key.
    "Report": ("date_from", "date_to", "city", "place_type", "account", "his_name", "his_phones", "his_handles",
               "his_plates", "his_description", "contact_way", "contact_details", "safe_times"),
    "ReportMessage": ("text",),
    "ReportFile": ("filename",),
    # The abuse log of the organisation's activists (aigaq.abuse): everything she writes, the sender's
    # identifiers, earlier versions and the files' names and hashes, under the entry's own key.
    "AbuseEntry": ("sender_handle", "sender_phone", "sender_name", "message", "platform_outcome", "police_outcome"),
    "AbuseRevision": ("values", "reason"),
    "AbuseFile": ("filename", "sha256", "received_sha256"),
}
