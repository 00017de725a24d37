"""The server's VAPID identity (RFC 8292): one P-256 key pair per install, and a contact subject.

Order: ``CRAMPCARE_VAPID_PRIVATE_KEY`` (PEM text, or the raw 32-byte key in base64url as
``vapid --gen``/web-push tools print it), then ``CRAMPCARE_VAPID_PRIVATE_KEY_FILE`` (a PEM file),
else a key generated on first use and kept in the database (``site_settings``): every worker, every
server behind a load balancer and ``crampcare reminders send-due`` then sign with the same key, which
is what browsers check (a subscription is bound to the public key it was made with).

``CRAMPCARE_VAPID_SUBJECT`` is the contact push services may use (``mailto:`` or ``https:``);
default: ``CRAMPCARE_PUBLIC_URL`` when it is https, else a placeholder address.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crampcare.storage.auth_models import SiteSetting

ENV_KEY = "CRAMPCARE_VAPID_PRIVATE_KEY"
ENV_KEY_FILE = "CRAMPCARE_VAPID_PRIVATE_KEY_FILE"
ENV_SUBJECT = "CRAMPCARE_VAPID_SUBJECT"
SETTING = "vapid_private_key"
DEFAULT_SUBJECT = "mailto:crampcare@example.invalid"


class VapidConfigError(ValueError):
    """The operator's VAPID setting cannot be used; the message names the variable."""


@dataclass(frozen=True)
class VapidKeys:
    private: ec.EllipticCurvePrivateKey
    subject: str

    @property
    def vapid(self) -> Vapid:
        return Vapid(private_key=self.private)

    @property
    def public_key(self) -> str:
        """The ``applicationServerKey`` browsers subscribe with: the uncompressed point, base64url."""
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding; raises ValueError on anything else."""
    cleaned = text.strip()
    if not cleaned or any(c not in _B64URL for c in cleaned.rstrip("=")):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(cleaned.rstrip("=") + "=" * (-len(cleaned.rstrip("=")) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def parse_private_key(text: str, source: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM or raw base64url; ``source`` names the setting in errors."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) != 32:
                raise ValueError(f"a raw P-256 key has 32 bytes, this has {len(raw)}")
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except (ValueError, TypeError) as err:
        raise VapidConfigError(f"{source}: not a P-256 private key (PEM or base64url): {err}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise VapidConfigError(f"{source}: the key must be an elliptic-curve P-256 (prime256v1) key")
    return key


def subject() -> str:
    given = os.environ.get(ENV_SUBJECT, "").strip()
    if given:
        if not given.startswith(("mailto:", "https://")):
            raise VapidConfigError(f"{ENV_SUBJECT}: must start with mailto: or https://")
        return given
    public = os.environ.get("CRAMPCARE_PUBLIC_URL", "").strip()
    return public if public.startswith("https://") else DEFAULT_SUBJECT


def key_from_env() -> ec.EllipticCurvePrivateKey | None:
    """The operator's key (``CRAMPCARE_VAPID_PRIVATE_KEY(_FILE)``), or None when none is set."""
    text = os.environ.get(ENV_KEY, "").strip()
    if text:
        return parse_private_key(text, ENV_KEY)
    path = os.environ.get(ENV_KEY_FILE, "").strip()
    if path:
        try:
            content = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as err:
            raise VapidConfigError(f"{ENV_KEY_FILE}: cannot read {path}: {err}") from None
        return parse_private_key(content, ENV_KEY_FILE)
    return None


def load_keys(session: Session) -> VapidKeys:
    """The install's VAPID keys (see the module docstring for where they come from)."""
    key = key_from_env()
    if key is None:
        key = _stored_or_new(session)
    return VapidKeys(private=key, subject=subject())


def _stored_or_new(session: Session) -> ec.EllipticCurvePrivateKey:
    row = session.get(SiteSetting, SETTING)
    if row is not None:
        return parse_private_key(row.value, "the stored VAPID key")
    key = ec.generate_private_key(ec.SECP256R1())
    session.add(SiteSetting(key=SETTING, value=_pem(key)))
    try:
        session.commit()
    except IntegrityError:  # another worker generated one at the same moment: use theirs
        session.rollback()
        stored = session.get(SiteSetting, SETTING)
        assert stored is not None
        return parse_private_key(stored.value, "the stored VAPID key")
    return key
