"""Forms that do their work once: a one-time token per form shown, recorded with what its submission made.

A form that makes something (an agreement, a comment round, a signature request, a notice) carries a hidden
``submission_token``, new each time the form is shown and kept while the user corrects it. The submission
that succeeds records the token, the user, the kind of thing made and its id in ``form_submissions``, in the
same transaction. Sent again (Back and submit, a double click), the token is found and the user is taken to
what the first submission made instead of making it twice. The token is the table's primary key, so two
submissions at the same moment cannot both record it: the second waits for the first, fails to insert, rolls
back and answers like a repeat.

A view uses one ``SubmitOnce`` for its kind: ``repeated()`` at its top (before checks that the first
submission may since have made fail), ``claim(form)`` after the form validates and before the work, and
``made(form, obj_id)`` after it. A token is bound to the user who first sent it; another user's token is
refused (400), never a way to someone else's object.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import LazyString
from flask_login import current_user
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db

#: The name of the hidden field, in every form that does its work once.
TOKEN_FIELD = "submission_token"  # noqa: S105 - a field name, not a secret
#: What ``new_token`` makes: 43 URL-safe characters (256 random bits); anything else is no token.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class FormSubmission(db.Model):
    """A form submission that made something: its one-time token, who sent it, and what it made."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: What the form makes, named by the domain: ``agreement``, ``comment_round``, ….
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The id of what was made; set in the transaction that claimed the token, so never empty once committed.
    object_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)


#: How long a submission is remembered: a form sent again after this makes its object again.
KEPT_FOR = timedelta(days=30)


def forget_old_submissions(now: datetime | None = None) -> int:
    """Forget the submissions older than ``KEPT_FOR`` (a scheduled job); returns how many were forgotten."""
    older = FormSubmission.created_at < (now or utcnow()) - KEPT_FOR
    return db.session.execute(delete(FormSubmission).where(older)).rowcount


def new_token() -> str:
    """An unguessable one-time token for a form being shown."""
    return secrets.token_urlsafe(32)


def well_formed(value) -> str | None:
    """A field filter: the token as sent, or None when it is not one ``new_token`` could have made."""
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


class SubmitOnceForm:
    """Mixin of a form that makes something: the hidden one-time token, new whenever the form is shown."""

    submission_token = HiddenField(default=new_token, filters=[well_formed])


@dataclass(frozen=True)
class SubmitOnce:
    """The once-only submission of one kind of form: ``endpoint`` shows what it made, given its id as
    ``id_argument``; ``message`` tells the user that the form had been sent already."""

    kind: str
    endpoint: str
    id_argument: str
    message: LazyString

    def repeated(self):
        """On a POST whose token already made something for this user: the way to it; otherwise None."""
        token = well_formed(request.form.get(TOKEN_FIELD)) if request.method == "POST" else None
        made = self._made_by(token) if token else None
        return None if made is None else self._show(made)

    def claim(self, form):
        """Claim the form's token before the work is done; None when it is ours. When another submission of
        it got there first (it waited for that one to commit), roll back and return the way to what it made.
        A form sent without a token is not protected, but works."""
        token = form[TOKEN_FIELD].data
        if token is None:
            return None
        db.session.add(FormSubmission(token=token, user_id=current_user.id, kind=self.kind))
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            made = self._made_by(token)
            if made is None:
                abort(409)
            return self._show(made)
        return None

    def made(self, form, object_id: int) -> None:
        """Record what the submission of ``form`` made, with its claimed token."""
        token = form[TOKEN_FIELD].data
        if token is not None:
            db.session.get(FormSubmission, token).object_id = object_id

    def _made_by(self, token: str) -> int | None:
        """The id of what ``token`` made; 400 when it is another user's token or another form's."""
        submission = db.session.scalar(select(FormSubmission).where(FormSubmission.token == token))
        if submission is None:
            return None
        if submission.user_id != current_user.id or submission.kind != self.kind:
            abort(400)
        return submission.object_id

    def _show(self, object_id: int):
        """Tell the user the form had been sent, and take them to what it made."""
        flash(str(self.message), "info")
        return redirect(url_for(self.endpoint, **{self.id_argument: object_id}))
