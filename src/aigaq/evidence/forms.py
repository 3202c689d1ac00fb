from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from aigaq.formats.text import GuardedForm

from .files import KINDS, kind_of


class EvidenceForm(GuardedForm):
    file = forms.FileField(label=_("File"), help_text=_(
        "Photos (JPEG, PNG), PDF, text, Word (DOCX), audio (MP3, M4A, OGG, WAV) or video (MP4). "
        "Location and camera details are removed from photos."))
    title = forms.CharField(label=_("What it shows"), required=False, max_length=500)

    def __init__(self, *args: object, too_big: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in KINDS)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        head = upload.read(64)
        upload.seek(0)
        if kind_of(upload.name or "", head) is None:
            raise forms.ValidationError(
                _("This kind of file is not accepted, or its content does not match its name."), code="kind")
        return upload

    def clean(self) -> dict[str, object]:
        if self.too_big:
            self.errors.pop("file", None)
            limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
            self.add_error("file", forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": limit}, code="size"))
        return super().clean() or {}


class EvidenceDescribeForm(GuardedForm):
    """A corrected description of a file; the earlier one stays in its history."""

    title = forms.CharField(label=_("What it shows"), required=False, max_length=500)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The earlier description stays in the file's history with this reason."))


BUNDLE_LANGUAGES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"))


class BundleForm(GuardedForm):
    """Which of the case's files go into a court bundle, and the language of its index."""

    evidence = forms.MultipleChoiceField(label=_("Files to include"), widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": _("Choose at least one file.")})
    language = forms.ChoiceField(label=_("Language of the index"), choices=BUNDLE_LANGUAGES)

    def __init__(self, *args: object, files: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = files  # type: ignore[attr-defined]
