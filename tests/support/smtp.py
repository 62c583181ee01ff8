"""A real SMTP server (aiosmtpd) on loopback that records what it receives, or refuses when told."""

import asyncio
import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.smtp import AuthResult

#: What the server says when it is told to refuse a message with a code.
REPLY_TEXTS = {
    421: "4.3.2 Service not available, try again later",
    451: "4.7.1 Greylisted, try again later",
    550: "5.1.1 Mailbox unavailable",
    554: "5.7.1 Rejected as spam",
}


@dataclass(frozen=True)
class Received:
    """One message the server accepted: its envelope, the parsed message and the login used, if any."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class RecordingHandler:
    """Accepts and records every message, except that it answers a given code to the next ones it is told."""

    received: list[Received] = field(default_factory=list)
    refusals: list[int] = field(default_factory=list)
    #: Seconds between storing a message and answering its DATA, as a slow server (filters, disks) does.
    answer_delay: float = 0

    def answer(self, code: int, times: int = 1) -> None:
        """Refuse the next ``times`` messages with ``code`` (and its text in REPLY_TEXTS)."""
        self.refusals.extend([code] * times)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refusals:
            code = self.refusals.pop(0)
            return f"{code} {REPLY_TEXTS[code]}"
        login = session.auth_data.login.decode() if session.authenticated else None
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, login))
        await asyncio.sleep(self.answer_delay)
        return "250 2.0.0 Message accepted"


@dataclass
class SMTPServer:
    """The running server: its port and its handler."""

    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


#: The one account the server's login accepts.
SMTP_USER, SMTP_PASSWORD = "sopimuspolku", "Postin-salasana-2026"


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """aiosmtpd authenticator: only SMTP_USER with SMTP_PASSWORD."""
    valid = auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
    # handled=False: aiosmtpd itself answers a refusal with 535.
    return AuthResult(success=valid, handled=False, auth_data=auth_data if valid else None)


def free_port() -> int:
    """A loopback port nothing listens on (asked of the system, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
