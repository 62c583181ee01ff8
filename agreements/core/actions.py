"""How a view acts: one loader and permission check, one commit, one answer to a refused operation.

- ``@acts_on(Model, can_x)`` on a route that takes an id: the user must be logged in; the object is loaded
  through ``load_or_404`` for the named permission (404 for a missing object and a forbidden one alike) and
  handed to the view in place of its id.
- ``@in_transaction`` on any other route that may change data.

Both run the view in one transaction: its changes are committed once when it answers below 400 and rolled
back otherwise. A refused operation (``OperationRefused`` or a subclass) that the view lets through is rolled
back and answered 409 with its reason (``agreements.core.web``); a view with a form shows the reason on the
form instead, inside ``with refusal_shown(form):``, which keeps the user's input and makes the answer 409
(or the refusal's own ``status_code``, e.g. 400 for a file that is not acceptable).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial, wraps

from flask import flash, g, make_response, session
from flask_login import login_required

from agreements.core.access import load_or_404
from agreements.core.errors import OperationRefused
from agreements.extensions import db


def in_transaction(view: Callable) -> Callable:
    """Commit what ``view`` changed once it has answered below 400; roll back anything else."""

    @wraps(view)
    def run(*args, **kwargs):
        g.refused = None
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if g.refused:
            response.status_code = g.refused
        if response.status_code < 400:
            _commit()
        else:
            db.session.rollback()
        return response

    return run


def _commit() -> None:
    """Commit; if that fails, the messages the view flashed about its success go with it."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        session.pop("_flashes", None)
        raise


def acts_on(
    model, permission: Callable[..., bool], arg: str | None = None, options: Sequence = ()
) -> Callable:
    """Decorate a route taking the id of a ``model``: logged-in users only, the object loaded for
    ``permission`` (with the loader ``options``, e.g. what the page shows beside it) and passed first in
    place of the id (the route's one ``*_id`` argument, or ``arg``)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def run(**kwargs):
            name = arg or _id_argument(kwargs)
            return view(load_or_404(model, kwargs.pop(name), permission, options), **kwargs)

        return login_required(in_transaction(run))

    return decorate


def _id_argument(kwargs: dict) -> str:
    """The name of the route's one id argument."""
    (name,) = [key for key in kwargs if key.endswith("_id")]
    return name


@contextmanager
def refusal_shown(form, show: Callable[[OperationRefused], None] | None = None) -> Iterator[None]:
    """Run an operation; if it is refused, roll back and show the reason on the field it names (else above
    the form), or as ``show`` does; the view then renders the form again with the user's input, and the
    request answers 409."""
    try:
        yield
    except OperationRefused as refusal:
        db.session.rollback()
        (show or partial(_show_on, form))(refusal)
        g.refused = refusal.status_code


def _show_on(form, refusal: OperationRefused) -> None:
    """The refusal's message on the form field it names, or above the form when it names none."""
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is not None:
        field.errors = [*field.errors, refusal.message]
    else:
        flash(refusal.message, "danger")
