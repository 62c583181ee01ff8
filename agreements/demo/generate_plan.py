"""The life of every generated agreement, decided before any row is written.

An agreement is drafted, perhaps edited and put out for comments, sent for signature (sometimes declined,
withdrawn or voided by an edit and sent again) and signed — or cancelled, or left as a draft. A signed one
may be given notice, renew itself automatically, be renewed by a new agreement, or get a compensation annex.
Whatever would happen after "now" does not: that is how drafts, open rounds and pending signatures arise.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from agreements.core.dates import add_months, end_after_notice, next_term, term_months
from agreements.demo.generate_clock import Clock, at, days, local_day, weighted
from agreements.demo.generate_people import Org
from agreements.demo.generate_requests import MAX_VERSIONS, RequestPlan, RequestPlanner, settle_joining

#: How many times a draft is edited before it goes out, and how often.
EDITS = ((0, 0.55), (1, 0.33), (2, 0.12))
STALE_DRAFT_SHARE = 0.03
CANCEL_SHARE = 0.04
TERMINATE_SHARE = 0.07
RENEW_SHARE = 0.6
ANNEX_SHARE = 0.2


@dataclass(eq=False)
class RoundPlan:
    """A comment round: open until ``closed`` (None: still open now); comments resolved by ``resolve_by``."""

    opened: datetime
    deadline: datetime
    closed: datetime | None
    by_hand: bool
    wide: bool
    resolve_by: datetime | None = None


@dataclass(eq=False)
class Plan:
    """One agreement's parties, terms and the steps of its life."""

    key: str
    owner: Org
    parties: list[Org]
    created: datetime
    start: date
    end: date | None
    notice_months: int
    auto_renew: bool
    network: object = None
    renewal_of: "Plan | None" = None
    main: "Plan | None" = None
    #: (when, "save" | "round" | "request" | "cancel", detail), in time order.
    steps: list[tuple] = field(default_factory=list)
    versions: int = 1
    signed_at: datetime | None = None
    cancelled_at: datetime | None = None
    notice: tuple[date, Org] | None = None
    terminated_at: datetime | None = None
    #: The end the agreement has now: its planned end, moved by automatic renewals or a notice.
    final_end: date | None = None
    #: (previous end, new end, when) of each automatic renewal.
    extensions: list[tuple[date, date, datetime]] = field(default_factory=list)
    renewal: "Plan | None" = None
    id: int = 0
    reference: str = ""

    def __post_init__(self):
        self.final_end = self.end

    @property
    def language(self) -> str:
        """Agreements are written in the drafting workshop's language."""
        return self.owner.language


def first_of_next_month(day: date, months: int = 1) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    return add_months(day.replace(day=1), months)


class Lifecycle:
    """Lives one agreement forward from its creation to "now"; returns the agreements it leads to."""

    def __init__(self, plan: Plan, rng: Random, clock: Clock):
        self.plan, self.rng, self.clock = plan, rng, clock
        self.planner = RequestPlanner(plan, rng, clock)
        #: The latest signature request.
        self.request: RequestPlan | None = None

    def run(self, round_kinds: list[bool]) -> list[Plan]:
        """Live the agreement through ``round_kinds`` rounds to now; returns its renewal and annex, if any."""
        moment = self._drafting(self.plan.created, round_kinds)
        if moment is None or not self._signing(moment):
            return []
        follow = self._after_signing()
        settle_joining(self.plan, self.request, self.clock, self.rng)
        return follow

    def _step(self, when: datetime, kind: str, detail=None) -> None:
        """Note a step of the agreement's life."""
        self.plan.steps.append((when, kind, detail))

    def _save(self, when: datetime, reason: str) -> datetime | None:
        """Save a new version at ``when`` (if the version budget allows); None once ``when`` is past now."""
        if when > self.clock.now:
            return None
        if self.plan.versions < MAX_VERSIONS:
            self.plan.versions += 1
            self._step(when, "save", reason)
        return when

    def _cancel(self, when: datetime) -> None:
        """Cancel the draft at ``when``, unless that is still to come."""
        if when <= self.clock.now:
            self.plan.cancelled_at = when
            self._step(when, "cancel")

    def _drafting(self, moment: datetime, round_kinds: list[bool]) -> datetime | None:
        """Edits and comment rounds before sending; None when the draft is still being worked on now."""
        rng, clock = self.rng, self.clock
        for _ in range(weighted(rng, EDITS)):
            moment = moment and self._save(clock.later(rng, moment, 1, 10), "edit")
        for wide in round_kinds:
            moment = moment and self._round(moment, wide)
        if moment is None or rng.random() < STALE_DRAFT_SHARE:
            return None
        if rng.random() < CANCEL_SHARE:
            self._cancel(clock.later(rng, moment, 1, 20))
            return None
        return moment

    def _round(self, moment: datetime, wide: bool) -> datetime | None:
        """A comment round and the version that answers it."""
        rng, clock = self.rng, self.clock
        opened = clock.later(rng, moment, 1, 6)
        if opened > clock.now:
            return None
        deadline = at(local_day(opened) + days(rng.randint(14, 28) + (14 if wide else 0)), 16)
        by_hand = rng.random() < 0.1
        closed = (
            clock.between(rng, opened + days(7), deadline) if by_hand else deadline + timedelta(minutes=3)
        )
        round_plan = RoundPlan(opened, deadline, closed if closed <= clock.now else None, by_hand, wide)
        self._step(opened, "round", round_plan)
        if round_plan.closed is None:
            return None
        round_plan.resolve_by = clock.later(rng, closed, 1, 10)
        if round_plan.resolve_by > clock.now:
            return None
        return self._save(clock.later(rng, round_plan.resolve_by, 0, 2), "answer")

    def _signing(self, moment: datetime) -> bool:
        """Requests until one completes (True); False when still pending, cancelled or left as a draft."""
        rng, clock = self.rng, self.clock
        for attempt in range(3):
            sent = clock.later(rng, moment, 0, 4)
            if sent > clock.now:
                return False
            request = self.request = self.planner.request(sent, attempt == 0)
            self._step(sent, "request", request)
            if request.outcome in ("completed", "joined", "pending"):
                self.plan.signed_at = request.agreement_signed
                return self.plan.signed_at is not None
            moment = request.ended
            if request.outcome == "voided":
                self._save(moment, "void")
            elif rng.random() < 0.6:
                moment = self._save(clock.later(rng, moment, 1, 7), "edit")
            if moment is None:
                return False
            if rng.random() < 0.2:
                self._cancel(clock.later(rng, moment, 1, 10))
                return False
        return False

    def _after_signing(self) -> list[Plan]:
        """Notice, automatic renewal, renewal by a new agreement and an annex, as far as they have come."""
        plan, rng = self.plan, self.rng
        notice_on = self._notice_day() if rng.random() < TERMINATE_SHARE else None
        if plan.auto_renew and plan.end:
            self._extend(notice_on or self.clock.today)
        follow = []
        if notice_on:
            self._terminate(notice_on)
        elif plan.end and not plan.auto_renew and rng.random() < RENEW_SHARE:
            follow.append(self._renewal())
        if plan.key == "cooperation" and rng.random() < ANNEX_SHARE:
            follow.append(self._annex())
        return [other for other in follow if other is not None]

    def _notice_day(self) -> date | None:
        """A day notice is given: two months after signing at the earliest, before the end and today."""
        earliest = local_day(self.plan.signed_at) + days(60)
        latest = self.clock.today - days(1)
        if self.plan.end and not self.plan.auto_renew:
            latest = min(self.plan.end, latest)
        if earliest >= latest:
            return None
        return earliest + days(self.rng.randint(0, (latest - earliest).days))

    def _extend(self, until: date) -> None:
        """The automatic renewals of every term that ended by ``until`` (the job runs at 00:15)."""
        plan = self.plan
        end, months = plan.end, term_months(plan.start, plan.end)
        first_run = at(local_day(plan.signed_at) + days(1), 0, 15)
        while end <= until:
            when = max(at(end, 0, 15), first_run)
            if when > self.clock.now:
                break
            new_end = add_months(end + days(1), months) - days(1)
            plan.extensions.append((end, new_end, when))
            end = new_end
        plan.final_end = end

    def _terminate(self, given: date) -> None:
        """Notice given by a party on ``given``: the agreement ends after the notice period."""
        plan = self.plan
        when = self.clock.office_time(self.rng, given)
        if when > self.clock.now or any(when <= ext_when for *_, ext_when in plan.extensions):
            return
        # a provider's notice ends only its own part while another stays, as does an organisation's notice
        # to a commitment (reminders.renewal.notice_outcome): then the drafting workshop ends it for all
        alone = plan.key != "commitment" and len(plan.parties) == 2
        plan.notice = (given, self.rng.choice(plan.parties) if alone else plan.owner)
        plan.terminated_at = when
        plan.final_end = max(end_after_notice(given, plan.notice_months, plan.final_end), plan.start)

    def _renewal(self) -> Plan | None:
        """The new agreement that renews this one, started some months before its end."""
        plan, rng, clock = self.plan, self.rng, self.clock
        created = clock.office_time(rng, plan.end - days(rng.randint(20, 110)))
        created = max(created, plan.signed_at + days(1))
        if created > clock.now:
            return None
        start, end = next_term(plan.start, plan.end)
        renewal = Plan(
            plan.key,
            plan.owner,
            plan.parties,
            created,
            start,
            end,
            plan.notice_months,
            False,
            plan.network,
            plan,
        )
        plan.renewal = renewal
        return renewal

    def _annex(self) -> Plan | None:
        """A compensation annex between the workshop and its first provider, some months after signing."""
        plan, rng, clock = self.plan, self.rng, self.clock
        created = clock.later(rng, plan.signed_at, 5, 200)
        start = max(first_of_next_month(local_day(created)), plan.start)
        if created > clock.now or (plan.end and start > plan.end - days(30)):
            return None
        parties = plan.parties[:2]
        return Plan(
            "compensation_annex",
            plan.owner,
            parties,
            created,
            start,
            plan.end,
            plan.notice_months,
            plan.auto_renew,
            main=plan,
        )
