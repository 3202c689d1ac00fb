"""Survivors' receipt codes and the slow hash of code + PIN.

A receipt code is eight words drawn from a list of 256 short Russian and Kazakh words written with
the letters both alphabets share (no ә, ғ, қ, ң, ө, ұ, ү, һ, і, ё), so it can be read aloud over
the phone, written down and typed on any Cyrillic keyboard: 8 words x 8 bits = 64 bits from
`secrets`. It is shown in four groups of two words. The server keeps only an Argon2id hash of code
and PIN together (and a keyed look-up index of the code alone, made by the caller's key ring), so
a copy of the database does not give the code back.

`receipt_key` derives a second secret from code and PIN, with a salt of its own (Argon2id again,
so it cannot be computed from the stored hash): the key that wraps her report's data key a second
time, so that her report opens with her code and PIN even where the server keeps no key for it.
"""

from __future__ import annotations

import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw

_WORD_LIST = """
алма арба арман арша асар аспан атлас аул бал балта банан барс бидай бокс бота бура бурак
вагон ваза вальс ветер вилка вишня волна ворон ворота газета гамак гвоздь гитара глина голубь гора
город гриб груша дала дверь дерево диван дождь доска дракон дуб дыня жаба жакет жара желудь жираф
журнал завод замок заря звезда зебра зерно зима змея зонт игла изюм икра индюк иней кабан казан
камень канат капля карта каша кедр кино кисть кнут клюв ключ книга коза колесо комета компас конь
корова коса кошка кран кролик крыша кувшин кукла лампа лапа ласточка лев лента лес лимон липа лиса
лодка ложка луна лыжи магнит майка малина марка маска мед медведь мельница мост мотор муравей мыло
мята нарцисс небо нитка нора облако обруч овраг огонь озеро окно олень орех осел остров отара охота
палатка пальма парус пекарь перо песок печь пила пирог плита полка поле почта пруд птица пчела
пшеница радуга ракета река рыба рябина сабля сад самолет сапог сахар свеча север село семя сено
сова сокол солнце сорока спутник стакан стол страна сумка сундук сыр табак таз тайга танк тарелка
театр телега тигр топор торт трава трамвай тулпар туман тыква улей улица утка утро фазан фара
фонарь фонтан фрукт халат хлеб холм хомяк цапля цветок цирк чайка чайник часы чашка черепаха
шапка шар шахта шкаф школа шмель щенок щука экран юла юрта ягода якорь ясень баран берег бубен
верблюд весна гусь домбыра жилет жук зеркало игрушка камыш кобыз кумыс ландыш мак морковь носок
орел павлин пирамида подкова пуговица рука саксаул бусы вата шило тесто
"""
WORDS: tuple[str, ...] = tuple(_WORD_LIST.split())

WORDS_PER_CODE = 8
GROUP = 2
_INDEX = {word: i for i, word in enumerate(WORDS)}

# Argon2id as Django's password hasher sets it up (RFC 9106's second recommended option, lighter).
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)


# 256 words: 8 bits each (a list of another length must stay a power of two for this to hold).
ENTROPY_BITS = WORDS_PER_CODE * (len(WORDS).bit_length() - 1)


def new_receipt_code() -> str:
    """Eight random words, two by two: "алма-река дуб-сова ..."."""
    words = [secrets.choice(WORDS) for _ in range(WORDS_PER_CODE)]
    return " ".join("-".join(words[i : i + GROUP]) for i in range(0, WORDS_PER_CODE, GROUP))


def normalise_receipt_code(text: str) -> str:
    """The code as typed (any case, spaces, dashes, commas, ё for е, Latin look-alikes) in one form:
    the words joined by single spaces. Unknown words stay, so a wrong code fails like any other."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    text = text.translate(_LOOKALIKES)
    for mark in "-–—,.;:/_":
        text = text.replace(mark, " ")
    return " ".join(text.split())


# Latin letters a phone keyboard may give for their Cyrillic twins.
_LOOKALIKES = str.maketrans("aceopxyk", "асеорхук")


def _secret(code: str, pin: str) -> str:
    return normalise_receipt_code(code) + "\x1f" + pin.strip()


def receipt_hash(code: str, pin: str) -> str:
    """The slow hash kept for a report: Argon2id of the normalised code and the PIN."""
    return _hasher.hash(_secret(code, pin))


def receipt_verify(stored: str, code: str, pin: str) -> bool:
    try:
        return _hasher.verify(stored, _secret(code, pin))
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing anyone can type: checked when no report has the code, so that a wrong code
# costs the same time as a wrong PIN and the two answers cannot be told apart.
_DUMMY = _hasher.hash(secrets.token_hex(16))


def receipt_verify_nothing(code: str, pin: str) -> bool:
    receipt_verify(_DUMMY, code, pin)
    return False


SALT_BYTES = 16


def new_receipt_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def receipt_key(code: str, pin: str, salt: bytes) -> bytes:
    """A 256-bit key from code and PIN (Argon2id, the receipt hash's costs, a salt of its own)."""
    return hash_secret_raw(_secret(code, pin).encode("utf-8"), salt, time_cost=_hasher.time_cost,
                           memory_cost=_hasher.memory_cost, parallelism=_hasher.parallelism, hash_len=32,
                           type=Type.ID)
