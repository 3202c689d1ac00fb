"""Kazakh formats. Django has Kazakh translations but no kk format module, so dates fell back to
the American "11/29/2026 2:13 p.m." (with Kazakh "Т.Қ."). Kazakhstan writes dates day first with
dots and the time on a 24-hour clock (as in Russian, GOST R 7.0.64 practice; the same in the
Kazakh-language press: 29.11.2026, 14:13). Numbers: a comma for decimals, a space between
thousands."""

DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "m.Y"
MONTH_DAY_FORMAT = "d.m"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
