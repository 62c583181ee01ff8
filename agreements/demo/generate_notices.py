"""Notifications, the mail they sent and the reminders recorded, for `flask demo generate`.

Texts are the service's own mail sentences in each recipient's language (the catalogue is read once per
template and language, not rendered per row); every generated mail has already been sent.
"""

from datetime import datetime, timedelta
from random import Random

from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l

from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.demo.generate_clock import Clock
from agreements.demo.generate_writer import RowWriter

GREETING = _l("Hello %(name)s,")
#: Each mail template's subject and main sentence, exactly as templates/mail/ words them.
TEXTS = {
    "invitation": (
        _l("Invitation to Sopimuspolku"),
        _l(
            "%(inviter)s has invited you to Sopimuspolku, the service for cooperation agreements between "
            "youth workshops and vocational education providers."
        ),
    ),
    "round_invitation": (
        _l("Request for comments: %(title)s (%(reference)s)"),
        _l("Comments are due by %(deadline)s (Finnish time)."),
    ),
    "round_deadline": (
        _l("Comment deadline approaching: %(title)s (%(reference)s)"),
        _l("Comments are due by %(deadline)s (Finnish time)."),
    ),
    "round_digest": (None, _l("Read and answer them here:")),
    "round_summary": (
        _l("Summary report: %(title)s (%(reference)s)"),
        _l(
            "The comment round on the draft agreement “%(title)s” (%(reference)s) has closed, and every "
            "comment has been given a resolution."
        ),
    ),
    "round_closed": (
        _l("Comment round closed: %(title)s (%(reference)s)"),
        _l(
            "The comment round on the draft agreement “%(title)s” (%(reference)s) has closed. Thank you for "
            "your views."
        ),
    ),
    "signature_request": (
        _l("Please sign: %(title)s (%(reference)s)"),
        _l("Read the document and sign or decline here:"),
    ),
    "signature_reminder": (
        _l("Reminder: please sign %(title)s (%(reference)s)"),
        _l("Sign or decline here:"),
    ),
    "signature_signed": (
        _l("%(organisation)s has signed %(reference)s"),
        _l("The state of every signature:"),
    ),
    "signature_declined": (
        _l("%(organisation)s declined to sign %(reference)s"),
        _l("The request has ended and the agreement is a draft again."),
    ),
    "signature_withdrawn": (
        _l("No signature needed now: %(title)s (%(reference)s)"),
        _l(
            "%(workshop)s withdrew the request to sign the agreement “%(title)s” (%(reference)s).",
        ),
    ),
    "signature_voided": (
        _l("No signature needed now: %(title)s (%(reference)s)"),
        _l(
            "The agreement “%(title)s” (%(reference)s) was changed after it was sent for signature, so the "
            "request and any signatures given on it are void."
        ),
    ),
    "signature_ended": (
        _l("No signature needed now: %(title)s (%(reference)s)"),
        _l(
            "Another party declined to sign the agreement “%(title)s” (%(reference)s), so the request has "
            "ended."
        ),
    ),
    "signature_joined": (
        _l("%(organisation)s has joined %(reference)s"),
        _l(
            "%(organisation)s signed the commitment “%(title)s” (%(reference)s) on %(when)s and is committed "
            "from that day."
        ),
    ),
    "signature_party_declined": (
        _l("%(organisation)s declined to sign %(reference)s"),
        _l(
            "Only this organisation's invitation has ended: the organisations that joined stay committed and "
            "the others can still join."
        ),
    ),
    "invitation_expired": (
        _l("No signature needed now: %(title)s (%(reference)s)"),
        _l(
            "The invitation of %(organisation)s to join the commitment “%(title)s” (%(reference)s) "
            "expired: its last day to answer has passed."
        ),
    ),
    "joining_closed": (
        _l("No signature needed now: %(title)s (%(reference)s)"),
        _l("%(workshop)s closed the joining of the commitment “%(title)s” (%(reference)s)."),
    ),
    "agreement_signed": (
        _l("Signed by every party: %(title)s (%(reference)s)"),
        _l("Every party has now signed the agreement “%(title)s” (%(reference)s)."),
    ),
    "reminder_notice_deadline": (
        _l("Notice deadline %(date)s: %(title)s (%(reference)s)"),
        _l(
            "The agreement “%(title)s” (%(reference)s) ends on %(end)s. Notice must be given by "
            "%(deadline)s: after that it can no longer be ended at that date."
        ),
    ),
    "reminder_end_of_validity": (
        _l("Agreement ends %(date)s: %(title)s (%(reference)s)"),
        _l("The agreement “%(title)s” (%(reference)s) is in force until %(end)s."),
    ),
    "reminder_ended_without_renewal": (
        _l("Agreement ended without renewal: %(title)s (%(reference)s)"),
        _l(
            "The agreement “%(title)s” (%(reference)s) ended on %(end)s, and no renewed agreement has been "
            "signed."
        ),
    ),
    "agreement_auto_renewed": (
        _l("Renewed automatically: %(title)s (%(reference)s)"),
        _l(
            "The agreement “%(title)s” (%(reference)s) was to end on %(previous)s. No notice was given, so "
            "under its terms it renewed automatically and is now in force until %(end)s."
        ),
    ),
    "agreement_notice_given": (
        _l("Notice given: %(title)s (%(reference)s) ends %(end)s"),
        _l(
            "%(organisation)s gave notice on %(given)s to end the agreement “%(title)s” (%(reference)s). "
            "With the notice period of %(months)s months it ends on %(end)s."
        ),
    ),
}
#: A large id that no generated row has, put into a link once and replaced by the real id.
_SLOT = 987654321
#: Share of notifications their user has opened, once a day or so has passed.
READ_SHARE = 0.85


def date_text(day) -> str:
    """A calendar date as Finnish-style d.M.yyyy."""
    return f"{day.day}.{day.month}.{day.year}"


def moment_text(moment: datetime) -> str:
    """A moment as Finnish-style d.M.yyyy HH.mm, Helsinki time."""
    local = moment.astimezone(HELSINKI)
    return f"{date_text(local)} {local.hour:02d}.{local.minute:02d}"


class Links:
    """Absolute links on BASE_URL to the pages notifications point at, built once per endpoint."""

    def __init__(self):
        self._patterns = {
            "agreement": external_url("agreements.detail", agreement_id=_SLOT),
            "round": external_url("reviews.detail", round_id=_SLOT),
            "request": external_url("signatures.request_detail", request_id=_SLOT),
            "sign": external_url("signatures.sign", signature_id=_SLOT),
            "login": external_url("accounts.login"),
        }

    def __call__(self, page: str, object_id: int = 0) -> str:
        """The absolute link to ``page`` about the object ``object_id``."""
        return self._patterns[page].replace(str(_SLOT), str(object_id))


class Notices:
    """Writes notifications with their sent mail, invitation mail and sent-reminder records."""

    def __init__(self, writer: RowWriter, clock: Clock):
        self.writer, self.clock = writer, clock
        self.links = Links()
        self._texts: dict[tuple[str, str], tuple[str | None, str, str]] = {}
        self._phrases: dict[tuple[int, str], str] = {}

    def phrase(self, lazy, locale: str) -> str:
        """A catalogue string in ``locale``, its placeholders left to fill."""
        key = (id(lazy), locale)
        if key not in self._phrases:
            with force_locale(locale):
                self._phrases[key] = str(lazy)
        return self._phrases[key]

    def _text(self, template: str, locale: str, params: dict) -> tuple[str, str]:
        """Subject and body of ``template`` in ``locale``."""
        key = (template, locale)
        if key not in self._texts:
            subject, sentence = TEXTS[template]
            with force_locale(locale):
                self._texts[key] = (subject and str(subject), str(GREETING), str(sentence))
        subject, greeting, sentence = self._texts[key]
        if subject is None:
            subject = self._digest_subject(locale, params)
        return subject % params, f"{greeting % params}\n\n{sentence % params}\n\n{params.get('link', '')}\n"

    @staticmethod
    def _digest_subject(locale: str, params: dict) -> str:
        """The comment digest's subject, whose wording depends on the number of comments."""
        with force_locale(locale):
            return ngettext(
                "A new comment on %(reference)s",
                "%(num)s new comments on %(reference)s",
                params["count"],
                reference=params["reference"],
            ).replace("%", "%%")

    def mail(self, rng: Random, person, template: str, when: datetime, params: dict, caused_by=None) -> None:
        """A mail to ``person`` queued at ``when`` and sent a moment later."""
        subject, body = self._text(template, person.locale, {**params, "name": person.name})
        self._queue(rng, person, subject, body, when, caused_by)

    def _queue(self, rng: Random, person, subject: str, body: str, when: datetime, caused_by) -> None:
        """The outbox row of a mail already written."""
        sent = min(when + timedelta(seconds=rng.randint(5, 120)), max(when, self.clock.now))
        self.writer.add(
            "outbox_messages",
            {
                "id": self.writer.new_id("outbox_messages"),
                "idempotency_key": f"{rng.getrandbits(128):032x}",
                "to_address": person.email,
                "subject": subject[:200],
                "body_text": body,
                "status": "sent",
                "created_at": when,
                "sent_at": sent,
                "attempts": 1,
                "last_error": None,
                "next_attempt_at": when,
                "last_attempt_at": sent,
                "locked_until": None,
                "locked_by": None,
                "caused_by_id": caused_by,
            },
        )

    def notify(
        self, rng: Random, people, kind: str, template: str, when: datetime, params: dict, caused_by=None
    ):
        """Notify every person in ``people`` who existed at ``when``: listed in the service and mailed."""
        for person in people:
            if person.created <= when:
                self._notification(rng, person, kind, template, when, params, caused_by)

    def _notification(self, rng: Random, person, kind, template, when, params, caused_by) -> None:
        """One notification to one person, opened or not, and its mail."""
        subject, body = self._text(template, person.locale, {**params, "name": person.name})
        read = when + timedelta(hours=rng.expovariate(1 / 20))
        self.writer.add(
            "notifications",
            {
                "id": self.writer.new_id("notifications"),
                "user_id": person.id,
                "kind": kind,
                "subject": subject[:200],
                "body_text": body,
                "link": params.get("link", ""),
                "created_at": when,
                "read_at": read if read <= self.clock.now and rng.random() < READ_SHARE else None,
                "delivery": "immediately",
                "mailed_at": when,
            },
        )
        self._queue(rng, person, subject, body, when, caused_by)

    def reminder(self, kind: str, agreement_id: int, subject: str, person, due, sent: datetime, folded: bool):
        """Record that a reminder was sent (or folded into another) under its unique key."""
        self.writer.add(
            "sent_reminders",
            {
                "id": self.writer.new_id("sent_reminders"),
                "kind": kind,
                "agreement_id": agreement_id,
                "subject": subject,
                "recipient_id": person.id,
                "due_on": due,
                "sent_at": sent,
                "folded": folded,
            },
        )
