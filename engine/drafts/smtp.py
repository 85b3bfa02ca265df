"""Sending a reviewed draft over SMTP (``[smtp]`` in the config: TLS, STARTTLS or plain).

Credentials come from the same sources as IMAP (``introgate.credentials``). Nothing here
logs or reports a password: errors carry the server's reply code and text only.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from introgate.config import OAuth2Settings, SmtpSettings
from introgate.credentials import resolve_oauth2_token, resolve_password
from introgate.errors import IntrogateError
from introgate.oauth import fresh_access_token

log = logging.getLogger("introgate.smtp")

_DEFAULT_PORTS = {"tls": 465, "starttls": 587, "plain": 25}


class SendError(IntrogateError):
    """The SMTP server could not be reached or did not accept the message."""


def send_message(
    smtp: SmtpSettings,
    message: EmailMessage,
    signin: tuple[str, OAuth2Settings] | None = None,
) -> list[str]:
    """Hand ``message`` to the server for every To/Cc/Bcc recipient (Bcc is not transmitted).

    ``signin``: the account and OAuth2 settings whose stored tokens log in (``oauth2_account``).

    Returns the recipients the server refused while accepting the others.
    """
    port = smtp.port or _DEFAULT_PORTS[smtp.security]
    where = f"SMTP server {smtp.host}:{port}"
    context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
    try:
        client: smtplib.SMTP
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            _log_in(client, smtp, where, signin)
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"{where}: login refused ({exc.smtp_code})") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"{where}: every recipient refused: {', '.join(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        reason = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        raise SendError(f"{where}: {exc.smtp_code} {' '.join(reason.split())}") from exc
    except smtplib.SMTPException as exc:
        raise SendError(f"{where}: {exc}") from exc
    except ssl.SSLError as exc:
        raise SendError(f"{where}: TLS failed: {exc.reason or exc}") from exc
    except OSError as exc:
        raise SendError(f"{where}: cannot connect: {exc.strerror or exc}") from exc
    log.info("sent %s via %s", message.get("Message-ID", "?"), where)
    # some recipients may have been refused while the others got it: the message WAS sent,
    # so the caller must finish as sent (a retry would deliver it twice) and name these
    return sorted(refused)


def _xoauth2(username: str, token: str) -> Callable[..., str]:
    """The XOAUTH2 answer; to the server's error challenge, the empty line it waits for."""

    def answer(challenge: bytes | None = None) -> str:
        return f"user={username}\x01auth=Bearer {token}\x01\x01" if challenge is None else ""

    return answer


def _log_in(
    client: smtplib.SMTP,
    smtp: SmtpSettings,
    where: str,
    signin: tuple[str, OAuth2Settings] | None,
) -> None:
    if not smtp.username:
        return
    if smtp.oauth2_account:
        if signin is None:
            raise SendError(f"{where}: oauth2_account is set but no sign-in was given")
        account, oauth2 = signin
        access = fresh_access_token(account, oauth2)
        try:
            client.auth("XOAUTH2", _xoauth2(smtp.username, access))
        except smtplib.SMTPAuthenticationError:
            # turned down before its announced expiry: one refresh, one more try
            access = fresh_access_token(account, oauth2, refused=access)
            client.auth("XOAUTH2", _xoauth2(smtp.username, access))
        return
    token = resolve_oauth2_token(smtp, where)
    if token is not None:
        client.auth("XOAUTH2", _xoauth2(smtp.username, token))
        return
    password = resolve_password(smtp, where)
    if password is None:
        raise SendError(
            f"{where}: smtp.username is set but no password source "
            "(password, password_env, password_command or keyring_service)"
        )
    client.login(smtp.username, password)
