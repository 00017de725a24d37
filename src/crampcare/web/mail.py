"""Sending password-reset links by e-mail, when ``crampcare serve --smtp URL`` configures a server.

``smtp://[user:password@]host[:port]`` (plain, port 25), ``smtp+starttls://...`` (port 587) or
``smtps://...`` (TLS from the start, port 465); ``?from=address`` sets the sender. Mail is sent from a
background thread, so the answer to "forgot password" takes the same time whether or not a name
exists (and a slow mail server does not hold a worker).
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from crampcare.i18n import translator


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    sender: str
    user: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpConfig:
    """Read an SMTP URL; raises ``ValueError`` with a plain message."""
    parts = urlsplit(url)
    schemes = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"not an SMTP URL: {url!r} (try smtp://host:port or smtps://user:pass@host)")
    security, default_port = schemes[parts.scheme]
    sender = parse_qs(parts.query).get("from", [f"crampcare@{socket.getfqdn()}"])[0]
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        sender=sender,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def reset_message(config: SmtpConfig, to: str, link: str, lang: str) -> EmailMessage:
    tr = translator(lang)
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = tr("Reset your crampcare password")
    message.set_content(
        "\n\n".join(
            [
                tr("Someone asked to reset the password of your crampcare account {name}.", name=to),
                tr("To choose a new password, open this link within one hour:"),
                link,
                tr("If it was not you, ignore this message: your password stays as it is."),
            ]
        )
        + "\n"
    )
    return message


def send(config: SmtpConfig, message: EmailMessage, timeout: float = 20) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.security == "tls":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=timeout)
    with client:
        if config.security == "starttls":
            client.starttls(context=context)
        if config.user:
            client.login(config.user, config.password or "")
        client.send_message(message)


def send_in_background(config: SmtpConfig, message: EmailMessage) -> threading.Thread:
    def run() -> None:
        # Nothing to tell the visitor (that would reveal the name exists); the link just expires.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            send(config, message)

    thread = threading.Thread(target=run, name="crampcare-mail", daemon=True)
    thread.start()
    return thread
