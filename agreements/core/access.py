"""Loading an object for a permission, and the permissions that need no domain.

Every route that takes an id loads its object through ``load_or_404``, which answers 404 for a missing
object and a forbidden one alike, so ids reveal nothing. Each domain keeps its own permissions as
``can_<verb>(user, obj)`` in its ``policy.py``; core reads a user by its attributes only.
"""

from collections.abc import Callable, Sequence

from flask import abort
from flask_login import current_user

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
    obj = db.session.get(model, object_id, options=options) if is_storable_id(object_id) else None
    if obj is None or not permission(current_user, obj):
        abort(404)
    return obj


def require(permission: Callable[..., bool]) -> None:
    """Abort with 403 unless the current user holds a permission that takes no object."""
    if not permission(current_user):
        abort(403)
