"""Account helpers: signed links from the past, tokens in paths, whether a client is logged in."""

import time

from itsdangerous import TimestampSigner

from agreements.accounts.tokens import TokenPurpose, serializer


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def signed_in_past(token: str, purpose: TokenPurpose, seconds_ago: float) -> str:
    """The same token payload signed as if ``seconds_ago`` seconds had passed since."""
    signer = serializer(purpose)
    payload = signer.loads(token)

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - seconds_ago)

    signer.signer = PastSigner
    return signer.dumps(payload)


def is_logged_in(client) -> bool:
    """True when the home page opens instead of redirecting to the login page."""
    return client.get("/").status_code == 200
