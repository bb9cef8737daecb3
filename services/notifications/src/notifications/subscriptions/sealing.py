"""Signing secrets at rest: AES-256-GCM under keys from the settings.

The service must sign with a subscription's secret, so it cannot keep only a hash the way API
keys are kept; it keeps the secret encrypted. A sealed secret is
``version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag``. The key id is
the first four bytes of the key's SHA-256, so a secret sealed under an older key still opens
while keys are being rotated. The subscription id is the associated data: a sealed secret copied
onto another subscription's row does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID_BYTES = 4
_HEADER = len(VERSION) + _KEY_ID_BYTES + NONCE_BYTES
DEVELOPMENT_KEY = hashlib.sha256(b"claimflow notifications development key, not secret").digest()


class SealingError(Exception):
    """A sealed secret that cannot be opened with the configured keys."""


class MissingKeyError(RuntimeError):
    """Production settings without a key to seal signing secrets with."""


@dataclass(frozen=True)
class SecretBox:
    """Seals and opens signing secrets; the first key seals, every key opens."""

    keys: Sequence[bytes]
    _ciphers: dict[bytes, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a SecretBox needs at least one key")
        if any(len(key) != KEY_BYTES for key in self.keys):
            raise ValueError(f"secret keys must be {KEY_BYTES} bytes (AES-256)")
        object.__setattr__(self, "_ciphers", {key_id(key): AESGCM(key) for key in self.keys})

    def seal(self, secret: str, *, context: bytes) -> bytes:
        """Return ``secret`` encrypted under the first key, bound to ``context``."""
        sealing_key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(sealing_key).encrypt(nonce, secret.encode(), context)
        return VERSION + key_id(sealing_key) + nonce + sealed

    def open(self, sealed: bytes, *, context: bytes) -> str:
        """Return the secret in ``sealed``; raise SealingError if no key opens it."""
        if len(sealed) <= _HEADER or sealed[:1] != VERSION:
            raise SealingError("not a sealed secret of a known version")
        cipher = self._ciphers.get(sealed[1 : 1 + _KEY_ID_BYTES])
        if cipher is None:
            raise SealingError("the secret was sealed under a key that is not configured")
        nonce = sealed[1 + _KEY_ID_BYTES : _HEADER]
        try:
            return cipher.decrypt(nonce, sealed[_HEADER:], context).decode()
        except InvalidTag as error:
            raise SealingError("the sealed secret does not verify") from error


def key_id(key: bytes) -> bytes:
    """Return the short id a sealed secret names its key by."""
    return hashlib.sha256(key).digest()[:_KEY_ID_BYTES]


def parse_keys(value: str) -> list[bytes]:
    """Return the base64 keys in a comma-separated settings value."""
    keys = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        try:
            keys.append(base64.b64decode(text, validate=True))
        except binascii.Error as error:
            raise ValueError("a secret key is not valid base64") from error
    return keys


def secret_box(*, secret_keys: str, production: bool) -> SecretBox:
    """Build the box the settings describe; production requires configured keys."""
    keys = parse_keys(secret_keys)
    if keys:
        return SecretBox(keys)
    if production:
        raise MissingKeyError(
            "NOTIFICATIONS_SECRET_KEYS must hold at least one base64 AES-256 key in production"
        )
    return SecretBox([DEVELOPMENT_KEY])


def new_key() -> str:
    """Return a fresh key in the settings' base64 form."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")
