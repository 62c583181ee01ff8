"""The test client: each request in a fresh context, as on a real server, with a valid CSRF token."""

import contextvars
import re
from collections.abc import Iterator

from flask.globals import _cv_app
from flask.testing import FlaskClient
from itsdangerous import BadSignature

from agreements.extensions import db
from tests.support.database import end_clean_transaction
from tests.support.factories import PASSWORD

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form it posts, unless told not to.

    Each request runs in a fresh context, as on a real server: the test's own app context (and so
    ``g``, the login cache and the database session) is not shared with the request.
    """

    _token: str | None = None
    _token_secret: str | None = None

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is None:  # already isolated, e.g. following a redirect
            return super().open(*args, **kwargs)
        end_clean_transaction(db.session())
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # a server sends the body in the request's context, as the app made it
            response.response = _read_in(context, response.response)
        db.session.expire_all()  # the test sees what the request committed
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        """A token the app gave this client: read from the language switcher, which every page carries.

        A token stays valid while the session keeps the secret it was made from (tokens do not expire:
        WTF_CSRF_TIME_LIMIT is None), as a form in an open tab does; so a page is read only when the
        session's secret is new, not before every form posted.
        """
        secret = self._csrf_secret()
        if secret is None or secret != self._token_secret:
            page = super().get("/login").get_data(as_text=True)
            match = _CSRF_INPUT.search(page)
            if not match:
                page = super().get("/").get_data(as_text=True)
                match = _CSRF_INPUT.search(page)
            assert match, "no CSRF token on the page"
            self._token, self._token_secret = match.group(1), self._csrf_secret()
        return self._token

    def _csrf_secret(self) -> str | None:
        """The CSRF secret in the client's session cookie, read without a request."""
        app = self.application
        cookie = self.get_cookie(app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        try:
            return app.session_interface.get_signing_serializer(app).loads(cookie.value).get("csrf_token")
        except BadSignature:
            return None


def _read_in(context: contextvars.Context, body) -> Iterator[bytes]:
    """A streamed body read whole in ``context`` (where a server reads it, and where it was made) and closed
    there, given back as an iterator: still streamed to the test."""
    pieces = context.run(lambda: list(body))
    if hasattr(body, "close"):
        context.run(body.close)
    return iter(pieces)


def logged_in(app, user):
    """A new client of ``app``, reading English, logged in as ``user``."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["locale"] = "en"
    log_in(client, user)
    return client


def log_in(client, user, password: str = PASSWORD):
    """Log ``user`` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
