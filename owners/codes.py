"""Activation and receipt codes: how they look, how they are typed back, how they are kept.

A code is printed on paper and typed by an elderly owner on a phone, so its alphabet has no
look-alikes (none of 0/O, 1/I/L, 2/Z, 5/S, 8/B) and it is printed in groups of four. What
the owner types is forgiven: lower case, spaces and dashes. Twelve characters of a
25-character alphabet are 55 bits, far beyond what the per-code and per-address
throttles let anyone try.

Stored as HMAC-SHA256 under the SECRET_KEY (`digest`): the database alone does not give
the codes back, and the digest is still found by an index, unlike a salted password hash.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12
RECEIPT_LENGTH = 12


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(code: str) -> str:
    """ACDE-FGHJ-KMNP: as printed and shown."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize(typed: str) -> str:
    """What the owner typed, as stored: upper case, separators dropped."""
    return "".join(ch for ch in (typed or "").upper() if ch.isascii() and ch.isalnum())


def digest(code: str, *, purpose: str = "activation") -> str:
    key = f"owners.codes.{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normalize(code).encode(), hashlib.sha256).hexdigest()
