"""Who may call the CDS Hooks services: JWT bearer tokens (CDS Hooks 2.0 security) and CORS.

An EHR (the CDS client) signs a short-lived JWT for every service call with its private key and
publishes the public keys as a JWK Set. We accept a call only when:

- the token's ``iss`` is an issuer we were configured to trust, and its signature checks against
  that issuer's JWK Set (from a URL, fetched and cached, or a local file);
- the algorithm is an asymmetric one (ES384 / RS384 as the spec requires, also ES256/RS256/PS*):
  never ``none`` nor a shared-secret HMAC, so a public key cannot be used as an HMAC secret;
- ``aud`` is this service's own URL (or one configured explicitly), ``exp`` is in the future,
  ``iat`` is not in the future, and ``jti`` was not seen before from that issuer (replay; the
  server remembers token ids in its database, so every worker refuses a replay).

Verification is on by default when ``crampcare serve`` listens beyond the loopback; settings come
from :class:`CdsSettings` on ``app.state.cds_settings`` or, failing that, from the environment
(``CRAMPCARE_CDS_*``, set by ``crampcare serve`` for its workers).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from crampcare.storage import Database

ALGORITHMS = ("ES384", "RS384", "ES256", "RS256", "ES512", "RS512", "PS256", "PS384", "PS512")
JWKS_TTL = 300.0  # seconds a fetched JWK Set is trusted before it is fetched again
LEEWAY = 30  # seconds of clock skew allowed on exp / iat
MAX_TOKEN_AGE = 3600  # a CDS client's token lives minutes; refuse ones issued more than an hour ago
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class AuthError(Exception):
    """Why a request's token is not accepted (safe to show the caller)."""


@dataclass(frozen=True)
class Issuer:
    """A trusted CDS client: its ``iss`` and where its public keys are."""

    iss: str
    jwks_url: str | None = None
    jwks_file: str | None = None
    jwks: Mapping[str, Any] | None = None  # inline JWK Set (tests, or pasted configuration)


@dataclass(frozen=True)
class CdsSettings:
    require_jwt: bool = False
    issuers: tuple[Issuer, ...] = ()
    audiences: tuple[str, ...] = ()  # extra accepted ``aud`` values (e.g. the public URL)
    cors_origins: tuple[str, ...] = ()  # "*" allows any origin
    base_url: str | None = None  # public URL of this server for card links (default: the request's)
    max_body_bytes: int = 2_000_000

    def allows_origin(self, origin: str) -> bool:
        return "*" in self.cors_origins or origin.rstrip("/") in {o.rstrip("/") for o in self.cors_origins}


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _issuers_from(value: str) -> tuple[Issuer, ...]:
    """Issuers from JSON (or a path to a JSON file): ``[{"iss": ..., "jwks_url"|"jwks_file": ...}]``."""
    text = value.strip()
    if text and not text.startswith(("[", "{")):
        text = Path(text).read_text(encoding="utf-8")
    data = json.loads(text) if text else []
    if isinstance(data, dict):
        data = [data]
    out = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("iss"), str):
            raise ValueError("each issuer needs an 'iss' and a 'jwks_url' or 'jwks_file'")
        if not (item.get("jwks_url") or item.get("jwks_file") or item.get("jwks")):
            raise ValueError(f"issuer {item['iss']!r}: give a 'jwks_url' or a 'jwks_file'")
        out.append(Issuer(item["iss"], item.get("jwks_url"), item.get("jwks_file"), item.get("jwks")))
    return tuple(out)


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def settings_from_env(env: Mapping[str, str] | None = None) -> CdsSettings:
    """``CRAMPCARE_CDS_JWT`` (required|off), ``CRAMPCARE_CDS_ISSUERS`` (JSON or file),
    ``CRAMPCARE_CDS_AUDIENCES``, ``CRAMPCARE_CDS_CORS_ORIGINS`` (comma-separated),
    ``CRAMPCARE_PUBLIC_URL``."""
    env = os.environ if env is None else env
    return CdsSettings(
        require_jwt=env.get("CRAMPCARE_CDS_JWT", "off").lower() in {"required", "on", "true", "1", "yes"},
        issuers=_issuers_from(env.get("CRAMPCARE_CDS_ISSUERS", "")),
        audiences=_list(env.get("CRAMPCARE_CDS_AUDIENCES")),
        cors_origins=_list(env.get("CRAMPCARE_CDS_CORS_ORIGINS")),
        base_url=(env.get("CRAMPCARE_PUBLIC_URL") or "").rstrip("/") or None,
    )


# --- keys ------------------------------------------------------------------------------------------


class _JwksCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, issuer: Issuer, refresh: bool = False) -> dict[str, Any]:
        if issuer.jwks is not None:
            return dict(issuer.jwks)
        if issuer.jwks_file:
            try:
                data = json.loads(Path(issuer.jwks_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise AuthError(f"the key set of {issuer.iss} cannot be read") from err
            return data if isinstance(data, dict) else {}
        assert issuer.jwks_url
        with self._lock:
            hit = self._sets.get(issuer.jwks_url)
            if hit and not refresh and time.monotonic() - hit[0] < JWKS_TTL:
                return hit[1]
        import httpx

        try:
            response = httpx.get(issuer.jwks_url, timeout=5.0, follow_redirects=False)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as err:
            raise AuthError(f"the key set of {issuer.iss} cannot be fetched") from err
        if not isinstance(data, dict):
            raise AuthError(f"the key set of {issuer.iss} is not a JWK Set")
        with self._lock:
            self._sets[issuer.jwks_url] = (time.monotonic(), data)
        return data


JWKS = _JwksCache()


class _Replay:
    """``(iss, jti)`` pairs seen, kept until their token expires (per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], float] = {}

    def check_and_add(self, iss: str, jti: str, exp: float) -> bool:
        now = time.time()
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = {k: v for k, v in self._seen.items() if v > now}
            if (iss, jti) in self._seen and self._seen[(iss, jti)] > now - LEEWAY:
                return False
            self._seen[(iss, jti)] = exp + LEEWAY
            return True


REPLAY = _Replay()


class ReplayGuard(Protocol):
    def check_and_add(self, iss: str, jti: str, exp: float) -> bool: ...


class DatabaseReplay:
    """``(iss, jti)`` pairs seen, in the database: shared by every worker and server using it.

    The primary key decides: of two workers that get the same token at the same moment, one insert
    wins and the other is refused. Expired rows are removed as new tokens arrive.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def check_and_add(self, iss: str, jti: str, exp: float) -> bool:
        import hashlib

        import sqlalchemy as sa
        from sqlalchemy.exc import IntegrityError

        from crampcare.storage.auth_models import CdsTokenSeen

        key = hashlib.sha256(f"{iss}\0{jti}".encode()).hexdigest()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        expires = dt.datetime.fromtimestamp(exp + LEEWAY, dt.UTC).replace(tzinfo=None)
        try:
            with self._db.engine.begin() as conn:
                conn.execute(sa.delete(CdsTokenSeen).where(CdsTokenSeen.expires_at < now))
                conn.execute(sa.insert(CdsTokenSeen).values(key=key, expires_at=expires))
        except IntegrityError:
            return False
        return True


def _key_for(header: Mapping[str, Any], issuer: Issuer) -> Any:
    import jwt

    for refresh in (False, True):  # a new kid may mean the client rotated its keys
        keys = JWKS.get(issuer, refresh=refresh).get("keys") or []
        candidates = [
            k
            for k in keys
            if isinstance(k, dict)
            and k.get("use", "sig") == "sig"
            and (header.get("kid") is None or k.get("kid") == header.get("kid"))
        ]
        if candidates:
            try:
                return jwt.PyJWK.from_dict(candidates[0], algorithm=str(header.get("alg"))).key
            except jwt.PyJWTError as err:
                raise AuthError("the signing key is not usable for this algorithm") from err
        if issuer.jwks_url is None:
            break
    raise AuthError("no key of the issuer matches the token's kid")


def verify(
    token: str, settings: CdsSettings, audiences: Sequence[str], replay: ReplayGuard = REPLAY
) -> dict[str, Any]:
    """The token's claims if it is acceptable; raises :class:`AuthError` saying why not.

    ``replay``: where accepted token ids are remembered (the server passes its database, so that a
    token replayed to another worker is refused too; the default is this process's memory).
    """
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as err:
        raise AuthError("the bearer token is not a JWT") from err
    if header.get("alg") not in ALGORITHMS:
        raise AuthError(f"algorithm {header.get('alg')!r} is not accepted (use ES384 or RS384)")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise AuthError("the token's header has no kid (CDS Hooks requires one)")
    iss = unverified.get("iss")
    issuer = next((i for i in settings.issuers if i.iss == iss), None)
    if issuer is None:
        raise AuthError("the token's issuer is not trusted by this service")
    if header.get("jku") and header["jku"] != issuer.jwks_url:
        raise AuthError("the token's jku is not the issuer's configured key set")
    key = _key_for(header, issuer)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[str(header["alg"])],
            audience=list(audiences),
            issuer=iss,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError as err:
        raise AuthError("the token has expired") from err
    except jwt.InvalidAudienceError as err:
        raise AuthError("the token's aud is not this service's URL") from err
    except jwt.MissingRequiredClaimError as err:
        raise AuthError(f"the token has no {err.claim!r} claim") from err
    except jwt.ImmatureSignatureError as err:
        raise AuthError("the token is not valid yet") from err
    except jwt.PyJWTError as err:
        raise AuthError("the token's signature does not verify") from err
    if float(claims["iat"]) < time.time() - MAX_TOKEN_AGE:
        raise AuthError("the token was issued too long ago")
    if not replay.check_and_add(str(iss), str(claims["jti"]), float(claims["exp"])):
        raise AuthError("the token was already used (jti replay)")
    return claims


@dataclass
class AuthResult:
    claims: dict[str, Any] | None = None
    problem: str | None = None


def check_request(
    authorization: str | None,
    settings: CdsSettings,
    audiences: Sequence[str],
    replay: ReplayGuard = REPLAY,
) -> AuthResult:
    """Check the ``Authorization`` header: the claims, or the problem (None when JWT is off and absent)."""
    if not authorization:
        return AuthResult(problem="a bearer JWT is required") if settings.require_jwt else AuthResult()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return AuthResult(problem="the Authorization header must be 'Bearer <JWT>'")
    if not settings.issuers:
        import jwt

        try:
            jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError:
            return AuthResult(problem="the bearer token is not a JWT")
        if settings.require_jwt:
            return AuthResult(problem="no trusted issuer is configured on this service")
        return AuthResult()  # verification off and nobody configured: the token is not ours to judge
    try:
        audiences = [*audiences, *settings.audiences]
        return AuthResult(claims=verify(token.strip(), settings, audiences, replay))
    except AuthError as err:
        return AuthResult(problem=str(err))
