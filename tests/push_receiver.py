"""A real Web Push service for the tests, on 127.0.0.1: it checks what a browser's push service
checks and decrypts what the browser would.

- The VAPID authorisation (RFC 8292): ``Authorization: vapid t=JWT, k=KEY``; the JWT is ES256-signed
  by ``k``, its ``aud`` is this receiver's origin, ``exp`` is in the future and at most 24 h away,
  ``sub`` is a mailto: or https: contact, and ``k`` is the applicationServerKey the subscription was
  made with (what binds a subscription to one server).
- The body (RFC 8291, ``Content-Encoding: aes128gcm``) is decrypted with the subscription's private
  key and auth secret, generated here as a browser generates them (P-256 key pair, 16 random bytes).

A delivery that fails a check is answered 401/400 and recorded in ``errors``; a subscription marked
``gone`` is answered 410, as a push service does for an expired or unsubscribed browser.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserSubscription:
    """What ``pushManager.subscribe`` creates in a browser: endpoint, key pair and auth secret."""

    endpoint: str
    private: ec.EllipticCurvePrivateKey
    auth: bytes
    server_key: str  # the applicationServerKey it was made with (base64url)

    @property
    def p256dh(self) -> str:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    @property
    def token(self) -> str:
        return self.endpoint.rsplit("/", 1)[1]


@dataclass
class Delivery:
    token: str
    headers: dict[str, str]
    payload: dict[str, Any]
    claims: dict[str, Any]


@dataclass
class PushReceiver:
    subscriptions: dict[str, BrowserSubscription] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def host(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.server_address[1]}"

    def subscribe(self, server_key: str) -> BrowserSubscription:
        token = secrets.token_urlsafe(16)
        sub = BrowserSubscription(
            f"{self.origin}/push/{token}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16), server_key
        )
        self.subscriptions[token] = sub
        return sub

    def for_token(self, token: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.token == token]

    def wait_for(self, token: str, timeout: float = 30.0) -> Delivery:
        """The first delivery to ``token``, waiting (on the condition, not a fixed sleep) for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.for_token(token)
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"nothing was pushed to {token} (errors: {self.errors})")

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        token = path.rsplit("/", 1)[-1]
        sub = self.subscriptions.get(token)
        if not path.startswith("/push/") or sub is None:
            return 404, "no such subscription"
        if token in self.gone:
            return 410, "gone"
        problem, claims = self._check_vapid(headers.get("authorization", ""), sub)
        if problem:
            self.errors.append(problem)
            return 401, problem
        if headers.get("content-encoding") != "aes128gcm":
            self.errors.append(f"content-encoding {headers.get('content-encoding')!r}")
            return 400, "content-encoding"
        if "ttl" not in headers:
            self.errors.append("no TTL header")
            return 400, "ttl"
        try:
            plain = http_ece.decrypt(body, private_key=sub.private, auth_secret=sub.auth, version="aes128gcm")
            payload = json.loads(plain.decode("utf-8"))
        except Exception as err:
            self.errors.append(f"cannot decrypt: {err!r}")
            return 400, "decrypt"
        with self.lock:
            self.deliveries.append(Delivery(token, headers, payload, claims))
        return 201, ""

    def _check_vapid(self, header: str, sub: BrowserSubscription) -> tuple[str | None, dict[str, Any]]:
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "vapid":
            return f"authorization scheme {scheme!r}, not vapid", {}
        parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        if key != sub.server_key:
            return "k is not the key the subscription was made with", {}
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        try:
            claims = jwt.decode(
                token,
                public,
                algorithms=["ES256"],
                audience=self.origin,
                options={"require": ["exp", "aud", "sub"]},
            )
        except jwt.PyJWTError as err:
            return f"VAPID JWT rejected: {err}", {}
        if claims["exp"] > time.time() + 24 * 3600:
            return "exp more than 24 hours ahead", {}
        if not str(claims["sub"]).startswith(("mailto:", "https://")):
            return f"sub {claims['sub']!r}", {}
        return None, claims

    def __enter__(self) -> PushReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, text = receiver.receive(self.path, headers, body)
                data = text.encode()
                self.send_response(status)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
