"""A signed agreement's term: automatic renewals, the renewal started by a new agreement, notice given, and
the notice-deadline and end-date reminders the scheduler sent on the way.

Reminders follow the scheduler's rules (agreements/reminders/occasions.py and scan.py): one is recorded for
every day count that fell due while the agreement was watched for it, so the scheduler's first run finds
nothing it has not sent; reminders that fell due before the agreement could be watched are folded.
"""

from datetime import UTC, date, datetime, timedelta

from agreements.core.dates import last_working_day, notice_deadline
from agreements.demo.generate_clock import at, days, local_day
from agreements.demo.generate_notices import date_text
from agreements.demo.generate_texts import NOTICE_REASONS
from agreements.reminders.models import ReminderKind
from agreements.reminders.occasions import CATCH_UP_DAYS

#: The ends of time, for a watch that nothing starts or stops.
_DAWN, _NEVER = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


class TermWriter:
    """Writes what happened to a story's agreement after it was signed."""

    def __init__(self, story):
        self.story, self.plan = story, story.plan
        self.world, self.rng = story.world, story.rng
        self.now = self.world.clock.now
        self._sent: set[tuple] = set()

    def write(self) -> None:
        """Renewals, the start of a renewal, notice and reminders, as they happened."""
        plan, story = self.plan, self.story
        for previous, new, when in plan.extensions:
            details = {"previous_end": previous.isoformat(), "end_date": new.isoformat()}
            story.event(when, "agreement.auto_renewed", "agreements", plan.id, None, details)
            story.notify(
                story.party_editors(when),
                "renewal",
                "agreement_auto_renewed",
                when,
                self._link(),
                previous=date_text(previous),
                end=date_text(new),
            )
        if plan.renewal is not None:
            started = plan.renewal.created
            actor = story.editor(plan.owner, started)
            details = {"renewal": plan.renewal.reference}
            story.event(started, "agreement.renewal_started", "agreements", plan.id, actor, details)
        if plan.terminated_at:
            self._terminate()
        self._reminders()

    def _link(self) -> str:
        """The agreement's page."""
        return self.world.notices.links("agreement", self.plan.id)

    def _end_before_notice(self) -> date | None:
        """The end date the agreement had when notice was given."""
        return self.plan.extensions[-1][1] if self.plan.extensions else self.plan.end

    def _terminate(self) -> None:
        """Notice given by a party: the agreement is terminated and ends after the notice period."""
        plan, story = self.plan, self.story
        given_on, given_by = plan.notice
        when = plan.terminated_at
        actor = story.editor(given_by, when) if given_by.editors else story.drafter
        previous = self._end_before_notice()
        details = {
            "given_by": given_by.name,
            "notice_given_on": given_on.isoformat(),
            "end_date": plan.final_end.isoformat(),
            "previous_end": previous.isoformat() if previous else None,
            "reason": self.rng.choice(NOTICE_REASONS[plan.language]),
        }
        story.transition(when, "terminated", "terminate", actor, details=details)
        story.notify(
            story.party_editors(when),
            "renewal",
            "agreement_notice_given",
            when,
            self._link(),
            actor.id,
            organisation=given_by.name,
            given=date_text(given_on),
            months=plan.notice_months,
            end=date_text(plan.final_end),
        )

    def _reminders(self) -> None:
        """The notice, end and ended-without-renewal reminders of each term the agreement was signed for."""
        plan = self.plan
        signed, stop = plan.signed_at, plan.terminated_at or _NEVER
        if plan.auto_renew and plan.end:
            starts = [signed, *(when for *_, when in plan.extensions)]
            ends = [plan.end, *(new for _, new, _ in plan.extensions)]
            stops = [*(when for *_, when in plan.extensions), stop]
            for begin, end, until in zip(starts, ends, stops, strict=True):
                self._remind("notice_deadline", notice_deadline(end, plan.notice_months), end, begin, until)
        elif plan.end:
            end = plan.end
            self._remind("notice_deadline", notice_deadline(end, plan.notice_months), end, signed, stop)
            self._remind("end_of_validity", end, end, signed, stop)
            if not plan.terminated_at:
                self._remind("ended_without_renewal", end, end, signed, stop)
        if plan.terminated_at:
            self._remind("end_of_validity", plan.final_end, plan.final_end, plan.terminated_at, _NEVER)

    def _unrenewed(self) -> list[tuple[datetime, datetime]]:
        """When no signed renewal had taken the agreement over (the scan skips it while one is signed)."""
        renewal = self.plan.renewal
        if renewal is None or renewal.signed_at is None:
            return [(_DAWN, _NEVER)]
        return [(_DAWN, renewal.signed_at), (renewal.terminated_at or _NEVER, _NEVER)]

    def _remind(self, kind: str, day: date, end: date, watched_from: datetime, watched_until: datetime):
        """The reminders of ``kind`` about ``day`` while the agreement was watched and not renewed."""
        for start, stop in self._unrenewed():
            begin, until = max(watched_from, start), min(watched_until, stop)
            if begin < until:
                self._remind_while(kind, day, end, begin, until)

    def _remind_while(self, kind: str, day: date, end: date, watched_from: datetime, watched_until: datetime):
        """Every reminder of ``kind`` about ``day`` that fell due while the agreement was watched."""
        # a notice deadline on a weekend or a public holiday counts from the working day before it
        counted_from = last_working_day(day) if kind == ReminderKind.NOTICE_DEADLINE else day
        anchor = at(counted_from, self.world.reminder_hour)
        before = ReminderKind(kind).counts_before
        due_list = []
        for count in self.world.reminder_days[kind]:
            due = anchor - days(count) if before else anchor + days(count)
            fire = max(due, watched_from)
            if (
                due <= self.now
                and fire < watched_until
                and fire <= self.now
                and self._in_window(kind, day, fire)
            ):
                due_list.append((due, fire, count))
        caught_up = [entry for entry in due_list if entry[1] > entry[0]]
        latest = max(caught_up, default=None)
        for due, fire, count in due_list:
            folded = fire > due and ((due, fire, count) != latest or fire - due > self.world.late_after)
            self._send(kind, (count, day, end), due, fire, folded, watched_until)

    def _in_window(self, kind: str, day: date, fire: datetime) -> bool:
        """Whether the scheduler's scan still looks at the day when the reminder would go."""
        if kind == ReminderKind.ENDED:  # looked back at for as long as its last reminder, and a month more
            reach = max(self.world.reminder_days[kind]) + CATCH_UP_DAYS
            return local_day(fire) <= day + timedelta(days=reach)
        return local_day(fire) <= day

    def _send(self, kind: str, about: tuple, due: datetime, fire: datetime, folded: bool, until: datetime):
        """One reminder to the drafting workshop's editors; editors who joined later had it caught up."""
        plan, story = self.plan, self.story
        count, day, end = about
        sent = min(fire + timedelta(minutes=self.rng.randint(0, 29)), self.now)
        subject, key_kind = f"agreement:{plan.id}:{day.isoformat()}", f"{kind}_{count}d"
        recipients = []
        for person in plan.owner.editors:
            joined_later = person.created > fire
            if joined_later and not (person.created < until and self._in_window(kind, day, person.created)):
                continue
            key = (key_kind, subject, person.id, local_day(due))
            if key not in self._sent and person.created <= self.now:
                self._sent.add(key)
                when = max(sent, person.created)
                self.world.notices.reminder(
                    key_kind, plan.id, subject, person, local_day(due), when, folded or joined_later
                )
                recipients += [] if joined_later else [person]
        if not folded:
            story.notify(
                recipients,
                "renewal",
                f"reminder_{kind}",
                sent,
                self._link(),
                date=date_text(day),
                end=date_text(end),
                deadline=date_text(day),
            )
