"""The import pages' forms: the upload, and the mapping of the sheet's columns with the import's options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aigaq.formats.text import GuardedForm

from .columns import COLUMNS

MODES = (
    ("strict", _("Import nothing if any row has a problem")),
    ("skip", _("Import the good rows; give me the bad ones in an error sheet")),
    ("lenient", _("Keep every row; leave out only the values that cannot be read")),
)


class UploadForm(GuardedForm):
    # Not required by the field: a file over the limit arrives as none, and is told so (clean_file).
    file = forms.FileField(label=_("Spreadsheet (xlsx or csv)"), required=False,
                           help_text=_("It is encrypted at once and deleted after the import, or after an hour."))

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if self.too_big:
            raise ValidationError(_("This file is too large."), code="too_big")
        if upload is None:
            raise ValidationError(self.fields["file"].error_messages["required"], code="required")
        if upload is not None and not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an Excel workbook (.xlsx) or a csv file."), code="kind")
        return upload


def _column_choices() -> list[tuple[str, str]]:
    return [("", str(_("— leave out —"))), *((c.key, str(c.label)) for c in COLUMNS)]


class MappingForm(GuardedForm):
    mode = forms.ChoiceField(label=_("If some rows have problems"), choices=MODES, initial="strict",
                             widget=forms.RadioSelect)
    consent_matching = forms.BooleanField(
        label=_("Rows without a consent column: she agrees that the suspect is compared with suspects in other cases"),
        required=False)
    consent_statistics = forms.BooleanField(
        label=_("Rows without a consent column: she agrees that her case is counted in anonymous statistics"),
        required=False)
    consent_services = forms.BooleanField(
        label=_("Rows without a consent column: she agrees to be referred to services"), required=False)

    def __init__(self, *args: Any, headers: Sequence[str], suggested: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        for index, header in enumerate(self.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1}, choices=_column_choices,
                required=False, initial=suggested[index] if index < len(suggested) else "")

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("mode", "consent_matching", "consent_statistics", "consent_services")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"col_{i}") for i in range(len(self.headers))]
        for index, key in enumerate(chosen):
            if key and chosen.index(key) != index:
                self.add_error(f"col_{index}", ValidationError(_("This field is already chosen for another column."),
                                                               code="twice"))
        return data

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or "" for i in range(len(self.headers))]
