# ruff: noqa: E501 -- Django's msgids, verbatim
"""Django's own messages that members meet (form errors, password rules, the username field),
listed here so that `make messages` keeps them in the project catalogue (src/aigaq/locale), which
takes precedence over Django's partial Kazakh: LOCALE_PATHS comes before every app's catalogue.
Nothing calls these; they are marked for extraction only."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    gettext_noop('This field is required.'),
    gettext_noop('Enter a whole number.'),
    gettext_noop('Enter a number.'),
    gettext_noop('Enter a valid integer.'),
    gettext_noop('Enter a valid value.'),
    gettext_noop('Enter a valid date.'),
    gettext_noop('Enter a valid time.'),
    gettext_noop('Enter a valid date/time.'),
    gettext_noop('Enter a valid email address.'),
    gettext_noop('Enter a valid URL.'),
    gettext_noop('Enter a list of values.'),
    gettext_noop('Enter a complete value.'),
    gettext_noop('Select a valid choice. %(value)s is not one of the available choices.'),
    gettext_noop('Select a valid choice. That choice is not one of the available choices.'),
    gettext_noop('Ensure this value is less than or equal to %(limit_value)s.'),
    gettext_noop('Ensure this value is greater than or equal to %(limit_value)s.'),
    ngettext_lazy('Ensure this value has at most %(limit_value)d character (it has %(show_value)d).', 'Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).', "n"),
    ngettext_lazy('Ensure this value has at least %(limit_value)d character (it has %(show_value)d).', 'Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).', "n"),
    gettext_noop('No file was submitted.'),
    gettext_noop('The submitted file is empty.'),
    gettext_noop('Null characters are not allowed.'),
    ngettext_lazy('This password is too short. It must contain at least %d character.', 'This password is too short. It must contain at least %d characters.', "n"),
    ngettext_lazy('Your password must contain at least %(min_length)d character.', 'Your password must contain at least %(min_length)d characters.', "n"),
    gettext_noop('The password is too similar to the %(verbose_name)s.'),
    gettext_noop('Your password can’t be too similar to your other personal information.'),
    gettext_noop('This password is too common.'),
    gettext_noop('Your password can’t be a commonly used password.'),
    gettext_noop('This password is entirely numeric.'),
    gettext_noop('Your password can’t be entirely numeric.'),
    gettext_noop('username'),
    gettext_noop('first name'),
    gettext_noop('last name'),
    gettext_noop('email address'),
    gettext_noop('A user with that username already exists.'),
    gettext_noop('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'),
)
