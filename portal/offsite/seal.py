"""Sealed off-site copies: what is on the share can be neither read nor forged without
the portal's key.

Each copy is encrypted to the portal's key with age (https://age-encryption.org, through
pyrage: the Rust implementation `rage`, with wheels for Windows, Linux and macOS). age
is an established format with a published specification; its payload is encrypted and
authenticated in 64 KiB chunks (ChaCha20-Poly1305), so a file is streamed, never held
whole, and a changed, cut or extended file does not open. A copy on the share is a
`.age` file: the standard `age` tool opens it with the key from the recovery kit, with
or without the portal.

age alone says nothing about who wrote a file: anyone who knows a key's public half can
encrypt to it. So each day's manifest, which records every copy's size and SHA-256, is
also authenticated: its last line is an HMAC-SHA256 (Python's `hmac`) of everything
above it, keyed by a key derived from the portal's secret key, which never leaves the
instance and the recovery kit. The manifest names the day, its own number that day, the
portal and the key; then it is encrypted like the copies. A copy is trusted only when
its plaintext has the SHA-256 such a manifest records; a manifest only when its HMAC is
right, for the day folder and the manifest name it was found under."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

import pyrage
from pyrage import x25519

from portal.offsite.errors import OffsiteError

SUFFIX = ".age"  # a sealed copy's name: todo.db.age
KEY_LINE = "# key: "
SEAL_LINE = "# seal: "
# The HMAC key is derived from the secret key for this one use (the secret key's own use
# is age's X25519): HMAC-SHA256(secret, label), as HKDF-Expand makes a one-block key.
_MAC_LABEL = b"office-portal off-site manifest seal v1"


class SealError(OffsiteError):
    """A sealed file that does not open, or a manifest whose seal is not right."""


@dataclass(frozen=True)
class Key:
    """One of the portal's keys: its short id (written in manifests, shown in the kit),
    the day it was made, and the age secret key ('AGE-SECRET-KEY-1...')."""

    id: str
    made: date
    secret: str

    @classmethod
    def make(cls, today: date) -> Key:
        identity = x25519.Identity.generate()
        return cls(key_id(str(identity)), today, str(identity))

    @classmethod
    def parse(cls, secret: str, made: date) -> Key:
        """A key typed or read back: SealError when it is not an age secret key."""
        secret = secret.strip()
        try:
            x25519.Identity.from_str(secret)
        except pyrage.IdentityError as exc:
            raise SealError("That is not an off-site key (AGE-SECRET-KEY-1...).") from exc
        return cls(key_id(secret), made, secret)

    @property
    def identity(self) -> x25519.Identity:
        return x25519.Identity.from_str(self.secret)

    def mac(self, text: str) -> str:
        mac_key = hmac.new(self.secret.encode(), _MAC_LABEL, hashlib.sha256).digest()
        return hmac.new(mac_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(secret: str) -> str:
    """A key's short name: the start of the SHA-256 of its public half (never the secret)."""
    public = str(x25519.Identity.from_str(secret.strip()).to_public())
    return hashlib.sha256(public.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Unsealed:
    """A manifest written before the portal sealed its copies, known by its SHA-256 when
    the first key was made: only such a day is offered as "not sealed"."""

    day: date
    name: str  # manifest.txt, manifest-2.txt
    sha256: str


class Seal:
    """The portal's keys (oldest first; the newest seals what is written now) and the
    unsealed manifests it knew of when it began to seal."""

    def __init__(self, keys: Iterable[Key], unsealed: Iterable[Unsealed] = ()):
        self.keys = tuple(keys)
        if not self.keys:
            raise ValueError("a seal needs a key")
        self.unsealed = frozenset(unsealed)

    @property
    def current(self) -> Key:
        return self.keys[-1]

    def key(self, key_id: str) -> Key | None:
        return next((key for key in self.keys if key.id == key_id), None)

    # -- copies ----------------------------------------------------------------------

    def seal_stream(self, source: BinaryIO, target: BinaryIO) -> None:
        """Encrypt `source` into `target`, chunk by chunk."""
        pyrage.encrypt_io(source, target, [self.current.identity.to_public()])

    def open_stream(self, source: BinaryIO, target: BinaryIO) -> None:
        """Decrypt `source` into `target`. SealError when it does not open with any key of
        the portal's, or was changed: what was written to `target` is then worthless."""
        try:
            pyrage.decrypt_io(source, target, [key.identity for key in self.keys])
        except (pyrage.DecryptError, OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # the share's own error (gone, full): said as such by the caller
            raise SealError(
                "it does not open with this portal's keys (changed, damaged, or not sealed "
                "by this portal)"
            ) from exc

    # -- manifests -------------------------------------------------------------------

    def seal_text(self, text: str) -> bytes:
        """A manifest's text with its key and seal lines, encrypted."""
        body = text + f"{KEY_LINE}{self.current.id}\n"
        body += f"{SEAL_LINE}{self.current.mac(body)}\n"
        return pyrage.encrypt(body.encode("utf-8"), [self.current.identity.to_public()])

    def open_text(self, data: bytes) -> str:
        """A sealed manifest's text, its key line kept and its seal line checked and
        removed. SealError when it does not open, or its seal is not right for the key
        it names (one of this portal's)."""
        try:
            body = pyrage.decrypt(data, [key.identity for key in self.keys]).decode("utf-8")
        except (pyrage.DecryptError, UnicodeDecodeError) as exc:
            raise SealError(
                "its manifest does not open with this portal's keys (changed, damaged, or "
                "not written by this portal)"
            ) from exc
        signed, _, last = body.rstrip("\n").rpartition("\n")
        signed += "\n"
        key_line = signed.rstrip("\n").rpartition("\n")[2]
        key = self.key(key_line.removeprefix(KEY_LINE)) if key_line.startswith(KEY_LINE) else None
        seal = last.removeprefix(SEAL_LINE) if last.startswith(SEAL_LINE) else ""
        if key is None or not hmac.compare_digest(seal, key.mac(signed)):
            raise SealError("its manifest's seal is not this portal's (forged or altered)")
        return signed

    def knows_unsealed(self, day: date, name: str, text: str) -> bool:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Unsealed(day, name, digest) in self.unsealed
