"""Where the state of mail is seen: the outbox for administrators, and each user's "Mail you caused".

Neither page shows a message's body: bodies carry password-reset and invitation links.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.core.access import can_manage_mail, require
from agreements.core.actions import acts_on
from agreements.core.forms import ConfirmForm, OutboxFilterForm
from agreements.core.mail import MailStatus, OutboxMessage, outbox_query, retry_message
from agreements.core.urls import next_url
from agreements.core.web import paginate

bp = Blueprint("mail", __name__)


@bp.get("/admin/mail/")
@login_required
def outbox():
    """List outbox messages with their delivery state, an address search, a status filter and pages."""
    require(can_manage_mail)
    form = OutboxFilterForm(formdata=request.args, status_choices=MailStatus.choices())
    filters = form.valid_data()
    return render_template(
        "core/mail_outbox.html",
        form=form,
        filtered=bool(filters.get("q") or filters.get("status")),
        pagination=paginate(outbox_query(filters.get("q"), filters.get("status"))),
        confirm_form=ConfirmForm(),
        MailStatus=MailStatus,
    )


@bp.post("/admin/mail/<int:message_id>/retry")
@acts_on(OutboxMessage, can_manage_mail)
def retry(message: OutboxMessage):
    """Put a message that could not be delivered back in the queue; the next delivery run sends it."""
    retry_message(message, current_user._get_current_object())
    flash(_("The message to %(address)s is back in the queue.", address=message.to_address), "success")
    return redirect(next_url(url_for(".outbox")))


@bp.get("/mail/mine")
@login_required
def mine():
    """List the mail the user's own actions caused, with its delivery state."""
    query = outbox_query().where(OutboxMessage.caused_by_id == current_user.id)
    return render_template("core/mail_mine.html", pagination=paginate(query), MailStatus=MailStatus)
