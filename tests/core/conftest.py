"""Fixtures of the core tests: a real SMTP server (aiosmtpd) on loopback that records what it receives; the
workshop's editor logged in, for the tests that post forms."""

import pytest
from aiosmtpd.controller import Controller

from tests.support.client import log_in
from tests.support.smtp import RecordingHandler, SMTPServer, check_login, free_port


@pytest.fixture
def editor_client(client, editor):
    """A client logged in as an editor of ``workshop``."""
    log_in(client, editor)
    return client


@pytest.fixture
def start_smtp_server(app, monkeypatch):
    """Factory: start an SMTP server on a free loopback port (with login when told) and send mail to it."""
    controllers = []

    def start(with_login: bool = False) -> SMTPServer:
        handler = RecordingHandler()
        port = free_port()
        login = {"authenticator": check_login, "auth_require_tls": False} if with_login else {}
        controller = Controller(handler, hostname="127.0.0.1", port=port, **login)
        controller.start()
        controllers.append(controller)
        settings = {
            "MAIL_TRANSPORT": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_SECURITY": "none",
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            "MAIL_TIMEOUT": 5,
        }
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        return SMTPServer(port, handler)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp_server) -> SMTPServer:
    """An SMTP server without login on a free loopback port; the app delivers to it."""
    return start_smtp_server()
