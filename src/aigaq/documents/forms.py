from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aigaq.formats.text import GuardedForm
from aigaq.i18n import active_language

from .catalogue import templates

LANGUAGE_CHOICES = (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English (working translation)"))


class DocumentForm(GuardedForm):
    template = forms.ChoiceField(label=_("Document"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language of the document"), choices=LANGUAGE_CHOICES)
    with_name = forms.BooleanField(
        label=_("Write her legal name into it"), required=False,
        help_text=_("Otherwise a placeholder stands in its place. Asks for your password again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        field = self.fields["template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.key, t.title[lang]) for t in templates().values()]
        if not self.is_bound:
            self.initial.setdefault("language", lang)


class TemplateUploadForm(GuardedForm):
    template = forms.ChoiceField(label=_("Document"))
    language = forms.ChoiceField(label=_("Language of the document"), choices=LANGUAGE_CHOICES)
    file = forms.FileField(label=_("Your .docx with placeholders"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        field = self.fields["template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.key, t.title[lang]) for t in templates().values()]
