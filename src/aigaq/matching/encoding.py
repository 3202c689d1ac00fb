"""A suspect's keyed encoding: his mention (cases.mention.mention_for, built in memory and never
stored) encoded under the key file's "linkage" subkey; only the encoding is kept."""

from __future__ import annotations

from aigaq.keys.store import keyring
from aigaq.linkage import EncodedMention, Mention, encode_mentions


def linkage_key() -> bytes:
    return keyring().subkey("linkage")


def encode(mentions: list[Mention]) -> list[EncodedMention]:
    return encode_mentions(mentions, linkage_key())
