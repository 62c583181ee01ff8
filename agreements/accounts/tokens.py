"""Signed, expiring, single-use links for invitations and password resets.

A token carries the user's id and a fingerprint of the current password hash (empty before the first
password), so setting a password makes every earlier link unusable.
"""

import enum
import hmac
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from agreements.accounts.models import User
from agreements.extensions import db


class TokenPurpose(enum.StrEnum):
    """What a link is for; each purpose signs with its own salt and has its own lifetime."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password-reset"  # noqa: S105 - a salt name, not a secret


class TokenProblem(enum.StrEnum):
    """Why a link cannot be used."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"


class TokenError(Exception):
    """The link is tampered with, expired or already used."""

    def __init__(self, purpose: "TokenPurpose", problem: TokenProblem):
        super().__init__(f"{purpose.value}: {problem.value}")
        self.purpose = purpose
        self.problem = problem


def serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"sopimuspolku.{purpose.value}")


def make_token(user: User, purpose: TokenPurpose) -> str:
    """Sign a link token for ``user``."""
    return serializer(purpose).dumps({"user": user.id, "pw": user.password_fingerprint()})


def max_age(purpose: TokenPurpose):
    """How long a link for ``purpose`` stays valid (a timedelta from the configuration)."""
    return current_app.config[f"{purpose.name}_MAX_AGE"]


def user_for_token(token: str, purpose: TokenPurpose) -> User:
    """The active user a still-valid token was made for; raises TokenError otherwise."""
    try:
        data = serializer(purpose).loads(token, max_age=int(max_age(purpose).total_seconds()))
    except SignatureExpired as error:
        raise TokenError(purpose, TokenProblem.EXPIRED) from error
    except BadSignature as error:
        raise TokenError(purpose, TokenProblem.INVALID) from error
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active:
        raise TokenError(purpose, TokenProblem.INVALID)
    if not hmac.compare_digest(str(data.get("pw", "")), user.password_fingerprint()):
        raise TokenError(purpose, TokenProblem.USED)
    return user


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on the configured BASE_URL, never on the Host header a request claims.

    A link built from the request's host would let anyone ask for a reset link to someone else's
    address with a forged Host (or X-Forwarded-Host) and receive the token when the link is opened.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
