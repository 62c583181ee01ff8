"""Pages of an agreement's end of term: renew it, record notice, and set its own reminder days."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agreements.core.actions import acts_on, refusal_shown
from agreements.core.once import SubmitOnce
from agreements.core.timeutil import helsinki_today
from agreements.core.web import format_day
from agreements.drafting import annexes
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_manage_agreement
from agreements.reminders import renewal, rules, working_days
from agreements.reminders.forms import NoticeForm, RenewForm, rules_form
from agreements.reminders.models import ReminderKind
from agreements.reminders.policy import can_give_notice, can_renew, can_set_reminders

bp = Blueprint("reminders", __name__, url_prefix="/agreements")

#: The notice form, sent again, shows the agreement the notice was recorded on.
NOTICE_ONCE = SubmitOnce(
    "notice",
    "agreements.detail",
    "agreement_id",
    _l("This form was already sent; here is the agreement the notice was recorded on."),
)


def _detail(agreement: Agreement):
    return redirect(url_for("agreements.detail", agreement_id=agreement.id))


@bp.route("/<int:agreement_id>/renew", methods=["GET", "POST"])
@acts_on(Agreement, can_renew)
def renew(agreement: Agreement):
    """Confirm and start the renewal of a signed agreement: a new draft for the next term; or say why not."""
    problem = renewal.renewal_problem(agreement)
    form = RenewForm(
        renewal.renewal_templates(agreement) if agreement.registered and problem is None else (),
        annexes.movable(agreement),
    )
    if problem is None and form.validate_on_submit():
        with refusal_shown(form):
            draft = renewal.renew(agreement, current_user, form.chosen_template())
            annexes.move_to_renewal(agreement, draft, form.move_annex_ids.data, current_user)
            flash(
                _(
                    "Renewal draft %(reference)s was made. Check its dates and fields, then save.",
                    reference=draft.reference,
                ),
                "success",
            )
            return redirect(url_for("agreements.edit", agreement_id=draft.id))
    term = renewal.renewal_term(agreement) if agreement.end_date else None
    start = term[0] if term else None
    main = renewal.renewal_main(agreement)
    page = render_template(
        "reminders/renew.html", agreement=agreement, form=form, start=start, problem=problem, main=main
    )
    return (page, 409) if problem else page


@bp.route("/<int:agreement_id>/notice", methods=["GET", "POST"])
@acts_on(Agreement, can_manage_agreement)
def notice(agreement: Agreement):
    """Record that a party gave notice: a provider's ends its own part, else the agreement ends."""
    if (repeat := NOTICE_ONCE.repeated()) is not None:
        return repeat  # the notice may have ended the agreement: asked before whether notice can be given
    if not can_give_notice(current_user, agreement):
        abort(404)
    outcomes = renewal.notice_outcomes(agreement, helsinki_today())
    following = list(dict.fromkeys(annex for outcome in outcomes for annex in outcome.annexes))
    form = NoticeForm(renewal.staying_parties(agreement), annexes=following)
    if not form.is_submitted():
        form.given_on.data = helsinki_today()
    if form.validate_on_submit():
        given_by = next(party for party in agreement.parties if party.id == form.given_by.data)
        with refusal_shown(form):
            if (repeat := NOTICE_ONCE.claim(form)) is not None:
                return repeat
            outcome = renewal.give_notice(
                agreement,
                given_by,
                form.given_on.data,
                form.reason.data or "",
                current_user,
                keep_annexes=form.keep_annex_ids.data,
            )
            NOTICE_ONCE.made(form, agreement.id)
            flash(_notice_recorded(outcome), "success")
            if outcome.annexes:
                flash(annexes.ended_message(list(outcome.annexes)), "info")
            return _detail(agreement)
    staying = renewal.annexes_staying(agreement)
    return render_template(
        "reminders/notice.html", agreement=agreement, form=form, outcomes=outcomes, staying=staying
    )


def _notice_recorded(outcome: renewal.NoticeOutcome) -> str:
    """What the recorded notice does, for the message after it."""
    if outcome.ends_agreement:
        return _("Notice recorded: the agreement ends on %(date)s.", date=format_day(outcome.end))
    return _(
        "Notice recorded: the part of %(organisation)s ends on %(date)s, and the agreement goes on for the "
        "other parties.",
        organisation=outcome.party.name,
        date=format_day(outcome.end),
    )


@bp.route("/<int:agreement_id>/reminders", methods=["GET", "POST"])
@acts_on(Agreement, can_set_reminders)
def settings(agreement: Agreement):
    """Choose, per kind, the default reminder days, the agreement's own days, or none."""
    defaults = {kind: rules.default_days(kind) for kind in ReminderKind}
    form = rules_form(defaults, rules.own_rules(agreement))
    if form.validate_on_submit():
        rules.set_rules(agreement, form.chosen(), current_user)
        flash(_("The reminder settings were saved."), "success")
        return _detail(agreement)
    return render_template(
        "reminders/settings.html", agreement=agreement, form=form, kinds=list(ReminderKind)
    )


@bp.app_template_global()
def end_of_term_actions(agreement: Agreement) -> dict:
    """Which end-of-term actions the current user may take on the agreement's page, and why it may not
    renew an agreement it could otherwise renew."""
    may_renew = can_renew(current_user, agreement)
    problem = renewal.renewal_problem(agreement) if may_renew else None
    return {
        "renew": may_renew and problem is None,
        #: Why a renewal the user might expect is not offered (one under way is named on the page anyway).
        "renew_problem": problem if renewal.current_renewal(agreement) is None else None,
        "notice": can_give_notice(current_user, agreement),
        "reminders": can_set_reminders(current_user, agreement),
    }


@bp.app_template_global()
def current_renewal(agreement: Agreement):
    """The agreement that renews this one, if a renewal is under way or done."""
    return renewal.current_renewal(agreement)


bp.add_app_template_global(working_days.notice_deadline_note, "notice_deadline_note")
