"""Typed errors that views turn into clear answers."""

from flask_babel import lazy_gettext as _l


class OperationRefused(Exception):
    """A state change that is not allowed now; answered with 409 and the message."""

    status_code = 409
    #: The form field the refusal concerns, when it concerns one; a form shows the message there.
    field: str | None = None

    def __init__(self, message: str | None = None, field: str | None = None):
        self.message = str(message or _l("That action is not possible in the current state."))
        if field is not None:
            self.field = field
        super().__init__(self.message)
