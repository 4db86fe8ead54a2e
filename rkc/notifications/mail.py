"""Sending e-mail through the configured SMTP server (MAIL_* settings, see rkc/config.py)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER"))


def send(
    config: Mapping[str, Any],
    to: str,
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send one plain-text message; MailError if the server cannot take it."""
    # Long lines allowed in headers: an unsubscribe address must stay one plain URL (a
    # folding policy of 78 would encode it and mail clients would not find it).
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="rkc")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config.get("MAIL_TIMEOUT", 10.0))
    tls = str(config.get("MAIL_TLS", "starttls")).lower()
    try:
        if tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"mail to {to} not sent: {exc}") from exc
