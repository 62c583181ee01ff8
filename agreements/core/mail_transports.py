"""How a message leaves the outbox: the "files" transport of development and the "smtp" transport.

A transport is opened once per delivery run and closed at its end. ``send`` either returns (the message
was accepted) or raises DeliveryError, which says whether trying again later can help.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from config import ConfigError

log = logging.getLogger(__name__)

#: The values of MAIL_SECURITY: TLS after a plain start (port 587), TLS from the start (465), or neither.
SECURITY_MODES = ("starttls", "tls", "none")


class DeliveryError(Exception):
    """A message was not accepted; ``reply`` is the server's code and text, or what went wrong."""

    def __init__(self, reply: str, permanent: bool):
        super().__init__(reply)
        self.reply = reply
        #: True for a 5xx reply: the server will never take this message, so it is not tried again.
        self.permanent = permanent


class ServerUnavailable(DeliveryError):
    """No connection to the mail server (refused, unreachable, no greeting in time, failed STARTTLS or
    login): it would fail the same for every message, so the delivery run ends here."""

    def __init__(self, reply: str):
        super().__init__(reply, permanent=False)


class Transport:
    """A transport that needs no connection; used as a context manager for one delivery run."""

    def __init__(self, config):
        self.config = config

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message, email: EmailMessage) -> None:
        """Deliver one outbox message as ``email``; raises DeliveryError when it is not taken."""
        raise NotImplementedError

    def close(self) -> None:
        """End the delivery run's connection, if any."""


class FilesTransport(Transport):
    """Development: an .eml file per message under MAIL_FILE_DIR, and the message in the log."""

    def send(self, message, email: EmailMessage) -> None:
        """Write the message to ``<id>-<idempotency key>.eml`` and log it."""
        folder = Path(self.config["MAIL_FILE_DIR"])
        path = folder / f"{message.id:06d}-{message.idempotency_key}.eml"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(email))
        except OSError as error:
            raise DeliveryError(describe(error), permanent=False) from error
        log.warning("Mail to %s: %s (%s)\n%s", message.to_address, message.subject, path, message.body_text)


class SMTPTransport(Transport):
    """Delivery to the mail server MAIL_SERVER over one connection per run, opened again after an error."""

    def __init__(self, config):
        super().__init__(config)
        if config["MAIL_SECURITY"] not in SECURITY_MODES:
            raise ConfigError(f"MAIL_SECURITY must be one of {', '.join(SECURITY_MODES)}")
        self._connection: smtplib.SMTP | None = None

    def send(self, message, email: EmailMessage) -> None:
        """Hand the message to the server; a failure closes the connection, so the next one starts afresh."""
        try:
            if self._connection is None:
                self._connection = self._connect()
        except (smtplib.SMTPException, OSError) as error:
            # Refused, unreachable, or a failed greeting, STARTTLS or login: a fault of the connection or
            # of the settings, never of this message, so it is tried again later whatever the code.
            raise ServerUnavailable(describe(error)) from error
        # Once greeted, the server may take long over a message (RFC 5321 4.5.3.2: ten minutes for the
        # reply to the end of DATA); giving up earlier makes it a repeat the server may have stored.
        self._connection.sock.settimeout(self.config["MAIL_DATA_TIMEOUT"])
        try:
            self._connection.send_message(email)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _refusal(error) from error
        self._connection.sock.settimeout(self.config["MAIL_TIMEOUT"])

    def close(self) -> None:
        """Say goodbye to the server; a connection that already broke is just closed."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        """Open, secure and log in a connection as the settings say."""
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        if config["MAIL_SECURITY"] == "tls":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_SECURITY"] == "starttls":
                connection.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            connection.close()
            raise
        return connection


def _refusal(error: Exception) -> DeliveryError:
    """The server's reply to the message: 5xx is permanent; 4xx, a dropped connection or a timeout is not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    else:
        return DeliveryError(describe(error), permanent=False)
    return DeliveryError(_reply(code, text), permanent=500 <= code < 600)


def describe(error: Exception) -> str:
    """An error as administrators read it: the server's reply when there is one, else its kind and text."""
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _reply(code: int, text: bytes | str) -> str:
    """A server reply on one line: its code and text."""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


TRANSPORTS = {"files": FilesTransport, "smtp": SMTPTransport}


def open_transport(config) -> Transport:
    """The transport MAIL_TRANSPORT names, for one delivery run."""
    name = config["MAIL_TRANSPORT"]
    if name not in TRANSPORTS:
        raise ConfigError(f"MAIL_TRANSPORT must be one of none, {', '.join(TRANSPORTS)}; not {name!r}")
    return TRANSPORTS[name](config)
