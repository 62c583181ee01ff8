"""Loading an object for a permission, and the permissions that need no domain.

Every route that takes an id loads its object through ``load_or_404``, which answers 404 for a missing
object and a forbidden one alike, so ids reveal nothing. Each domain keeps its own permissions as
``can_<verb>(user, obj)`` in its ``policy.py``; core reads a user by its attributes only.
"""

from collections.abc import Callable, Sequence

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, inspect, select

from agreements.extensions import db

MAX_ID = 2**31 - 1


def is_storable_id(object_id: int) -> bool:
    """Whether ``object_id`` can be a row's id: comparing a larger one fails on PostgreSQL and SQLite."""
    return isinstance(object_id, int) and 0 < object_id <= MAX_ID


def can_administer(user) -> bool:
    """National administrators manage templates, organisations, networks and users."""
    return user.is_authenticated and user.is_admin


def can_manage_mail(user, message=None) -> bool:
    """National administrators see every outbox message and put undelivered ones back in the queue."""
    return can_administer(user)


def load_or_404(model, object_id: int, permission: Callable[..., bool], options: Sequence = ()):
    """Load ``model`` by id for the current user, with the loader ``options`` given; 404 when it is missing
    or not permitted."""
    obj = _by_id(model, object_id, options) if is_storable_id(object_id) else None
    if obj is None or not permission(current_user, obj):
        abort(404)
    return obj


#: For each model and tuple of loader options: the options and the statement loading one row by id with
#: them, built once, so that SQLAlchemy computes its cache key once (with several eager loads, computing it
#: cost more than the query) rather than on every request, as ``Session.get`` with options does.
_BY_ID_STATEMENTS: dict[tuple, tuple[Sequence, Select]] = {}


def _by_id(model, object_id: int, options: Sequence):
    """The ``model`` row with the id, loaded with ``options``; None when there is none."""
    if not options:
        return db.session.get(model, object_id)
    key = (model, id(options))
    kept = _BY_ID_STATEMENTS.get(key)
    if kept is None or kept[0] is not options:
        (primary_key,) = inspect(model).primary_key
        statement = select(model).where(primary_key == bindparam("object_id")).options(*options)
        kept = _BY_ID_STATEMENTS[key] = (options, statement)
    return db.session.scalars(kept[1], {"object_id": object_id}).unique().one_or_none()


def require(permission: Callable[..., bool]) -> None:
    """Abort with 403 unless the current user holds a permission that takes no object."""
    if not permission(current_user):
        abort(403)
