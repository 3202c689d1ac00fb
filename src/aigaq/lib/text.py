"""Characters that change how text looks without being seen: bidirectional overrides and
isolates, zero-width and other invisible format characters, and control characters.

A name with U+202E RIGHT-TO-LEFT OVERRIDE in it shows its letters reversed ("Trojan Source"); a
zero-width space inside a phone or a surname makes two equal values differ, for search and for
matching, while they look the same. Forms refuse them (`aigaq.formats.text`), and everything shown
or exported is passed through `neutralise`, for what was saved before or came another way.

Kazakh, Russian and English text holds none of them: Cyrillic and Latin letters, combining accents
(U+0301, a Russian stress mark), emoji and their variation selectors all pass. Tab, line feed and
carriage return pass (text areas send CRLF). ZERO WIDTH JOINER passes only between two characters
that are not letters or digits, as in emoji sequences (👩‍👧); inside a word it is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZWJ = "\u200d"

# Every code point here is invisible, or reorders or hides the text around it.
_UNSAFE_RANGES = (
    ("\x00", "\x08"), ("\x0b", "\x0c"), ("\x0e", "\x1f"), ("\x7f", "\x9f"),  # C0 but \t \n \r; DEL; C1
    ("\u00ad", "\u00ad"),  # soft hyphen
    ("\u061c", "\u061c"),  # arabic letter mark
    ("\u180e", "\u180e"),  # mongolian vowel separator
    ("\u200b", "\u200f"),  # zero width space, non-joiner, joiner; left-to-right and right-to-left marks
    ("\u2028", "\u202e"),  # line and paragraph separators; bidirectional embeddings and overrides
    ("\u2060", "\u2064"),  # word joiner, invisible operators
    ("\u2066", "\u206f"),  # bidirectional isolates; deprecated format characters
    ("\ufeff", "\ufeff"),  # zero width no-break space (byte order mark)
    ("\ufff9", "\ufffb"),  # interlinear annotation
    ("\U000e0000", "\U000e007f"),  # tag characters
)
_UNSAFE = re.compile("[" + "".join(f"{re.escape(a)}-{re.escape(b)}" for a, b in _UNSAFE_RANGES) + "]")


@dataclass(frozen=True)
class Unsafe:
    position: int  # 1 = the first character
    char: str

    @property
    def code(self) -> str:
        """"U+202E"."""
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        """"RIGHT-TO-LEFT OVERRIDE" (control characters have no name in Unicode: "control")."""
        return unicodedata.name(self.char, "control")


def _word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LNM"


def _joins_symbols(text: str, i: int) -> bool:
    """A ZERO WIDTH JOINER between two characters that are not letters, digits or marks (an emoji
    sequence); a variation selector (a mark) may stand before it, as in ❤️‍🔥."""
    before = text[:i].rstrip("\ufe0e\ufe0f")
    return 0 < i < len(text) - 1 and bool(before) and not _word_char(before[-1]) and not _word_char(text[i + 1])


def unsafe_characters(text: str) -> list[Unsafe]:
    """The invisible and reordering characters of `text`, in order; empty for safe text."""
    return [
        Unsafe(m.start() + 1, m.group())
        for m in _UNSAFE.finditer(text)
        if not (m.group() == ZWJ and _joins_symbols(text, m.start()))
    ]


def marker(char: str) -> str:
    """What is shown instead of an unsafe character: visible, plain ASCII, harmless in HTML, CSV
    and JSON."""
    return f"[U+{ord(char):04X}]"


def neutralise(text: str) -> str:
    """`text` with each unsafe character replaced by its visible marker ("[U+202E]")."""
    found = unsafe_characters(text)
    if not found:
        return text
    parts, last = [], 0
    for u in found:
        parts += [text[last : u.position - 1], marker(u.char)]
        last = u.position
    parts.append(text[last:])
    return "".join(parts)


def might_be_unsafe(text: str) -> bool:
    """A quick test before `neutralise` (a page is scanned once, most have nothing to replace)."""
    return _UNSAFE.search(text) is not None
