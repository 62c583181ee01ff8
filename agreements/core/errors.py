"""Typed errors that views turn into clear answers."""

from flask_babel import lazy_gettext as _l


class OperationRefused(Exception):
    """A state change that is not allowed now; answered with 409 and the message."""

    status_code = 409

    def __init__(self, message: str | None = None):
        self.message = str(message or _l("That action is not possible in the current state."))
        super().__init__(self.message)
