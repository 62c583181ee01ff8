"""How each generated signature request goes, decided before any row is written.

A bilateral agreement or an annex is signed **jointly**: every party signs, and a decline, a withdrawal or an
edit ends the request. A commitment is an **accession**: each invited organisation signs (joins) or declines
for itself, the first to join makes the commitment signed, more organisations are invited while it is open
(some with a last day to answer, after which the invitation expires), and the joining may be closed — by
hand, or when the commitment is given notice, renewed or ends. Nothing after "now" happens.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from agreements.demo.generate_clock import Clock, at, days, local_day
from agreements.demo.generate_people import Org

#: Most versions an agreement gets.
MAX_VERSIONS = 4
#: Chance that a first request fails: declined, withdrawn, or voided by an edit (cumulative). An accession
#: is not declined as a whole; it is closed before anyone joined, or voided by an edit.
FAILURES = (("declined", 0.04), ("withdrawn", 0.06), ("voided", 0.08))
#: Chance that an invited organisation declines to join, and that it never answers.
DECLINE_SHARE = 0.06
SILENT_SHARE = {False: 0.08, True: 0.25}
#: Chance that more organisations are invited to an open commitment; how many rounds and organisations.
LATE_SHARE = 0.6
LATE_ROUNDS = (1, 2)
LATE_ORGANISATIONS = (1, 3)
#: Chance that invitations sent later name a last day to answer, and how many days they give.
RESPOND_BY_SHARE = 0.4
RESPOND_DAYS = 30
#: Chance that the drafter closes a commitment's joining by hand some months after it opened.
CLOSE_SHARE = 0.3


@dataclass(eq=False)
class LateInvitation:
    """Organisations invited to an open commitment at ``when``, perhaps with a last day to answer."""

    when: datetime
    orgs: list[Org]
    respond_by: date | None = None


@dataclass(eq=False)
class RequestPlan:
    """A signature request: each party's answer and how the request ended (None: still open now).

    Positions are the parties' in the request: the providers (or other organisations) first, the drafting
    workshop last, then in an accession those invited later, in the order of ``late``.
    """

    sent: datetime
    order: str
    #: When each party signed (None: it did not).
    signed: list[datetime | None]
    #: joint: "completed", "declined", "withdrawn", "voided" or "pending"; accession: "joined" (somebody
    #: has), "pending" (nobody yet), or "withdrawn" / "voided" (closed before anyone joined).
    outcome: str
    #: When the request stopped being pending: completed, declined, withdrawn, voided or joining closed.
    ended: datetime | None = None
    decliner: int | None = None
    mode: str = "joint"
    #: Accession: when each party declined, and when an unanswered invitation expired (None: it did not).
    declined: list[datetime | None] = field(default_factory=list)
    expired: list[datetime | None] = field(default_factory=list)
    late: list[LateInvitation] = field(default_factory=list)
    #: Accession: when the drafter means to close the joining by hand, if ever.
    close_by_hand: datetime | None = None

    @property
    def agreement_signed(self) -> datetime | None:
        """When the request made the agreement signed: its last signature, or an accession's first join."""
        if self.mode == "accession":
            return min((t for t in self.signed if t), default=None)
        return self.ended if self.outcome == "completed" else None


class RequestPlanner:
    """Plans the signature requests of one agreement."""

    def __init__(self, plan, rng: Random, clock: Clock):
        self.plan, self.rng, self.clock = plan, rng, clock

    def request(self, sent: datetime, first: bool) -> RequestPlan:
        """Who signs when, and whether the request fails on the way."""
        if self.plan.key == "commitment":
            return self._accession(sent, first)
        return self._joint(sent, first)

    def _joint(self, sent: datetime, first: bool) -> RequestPlan:
        """Every party signs, in parallel or one after another; the first request may fail."""
        rng, count = self.rng, len(self.plan.parties)
        order = "parallel" if rng.random() < 0.7 else "sequential"
        times, base = [], sent
        for _ in range(count):
            signed = self.clock.later(rng, base if order == "sequential" else sent, 0, self._delay())
            times.append(signed)
            base = signed
        failure = self._failure() if first else None
        request = (
            self._failed(sent, order, times, failure)
            if failure
            else RequestPlan(sent, order, times, "completed", max(times))
        )
        if request.ended > self.clock.now:
            now = self.clock.now
            return RequestPlan(
                sent, order, [t if t and t <= now else None for t in request.signed], "pending"
            )
        return request

    def _failed(self, sent: datetime, order: str, times: list[datetime], failure: str) -> RequestPlan:
        """A request that a party declines, or the drafter withdraws or voids by editing."""
        if failure == "declined":
            decliner = self.rng.randrange(len(times))
            ended = times[decliner]
        else:
            decliner, ended = None, self.clock.later(self.rng, sent, 1, 12)
            if max(times) < ended:  # every party signed first: the request completed
                return RequestPlan(sent, order, times, "completed", max(times))
        signed = [t if t < ended and i != decliner else None for i, t in enumerate(times)]
        return RequestPlan(sent, order, signed, failure, ended, decliner)

    def _failure(self) -> str | None:
        """How a first request fails, if it does (a void needs room for one more version)."""
        draw = self.rng.random()
        failure = next((name for name, share in FAILURES if draw < share), None)
        return None if failure == "voided" and self.plan.versions >= MAX_VERSIONS else failure

    def _delay(self) -> float:
        """Days a signatory takes: most within days, some weeks, a few months."""
        rng = self.rng
        if self.plan.key == "commitment":
            return min(60.0, rng.expovariate(1 / 8))
        return rng.choices((rng.uniform(0, 3), rng.uniform(3, 14), rng.uniform(14, 180)), (0.7, 0.25, 0.05))[
            0
        ]

    # Accession --------------------------------------------------------------------------------------

    def _accession(self, sent: datetime, first: bool) -> RequestPlan:
        """Every party invited at once answers for itself; later invitations follow the first join."""
        count = len(self.plan.parties)
        failure = self._failure() if first else None
        if failure in ("withdrawn", "voided"):
            ended = self.clock.later(self.rng, sent, 1, 12)
            if ended <= self.clock.now:  # closed, or edited, before anyone had answered
                nobody = [None] * count
                return RequestPlan(
                    sent, "parallel", nobody, failure, ended, None, "accession", nobody[:], nobody[:]
                )
        request = RequestPlan(sent, "parallel", [], "pending", mode="accession")
        for position in range(count):
            self._answer(request, sent, free=position < count - 1, late=False)  # the drafter itself joins
        joined = request.agreement_signed
        if joined is None:
            return request
        request.outcome = "joined"
        if self.rng.random() < LATE_SHARE:
            self._invite_later(request, joined)
        if self.rng.random() < CLOSE_SHARE:
            request.close_by_hand = self.clock.later(self.rng, joined, 60, 400)
        return request

    def _answer(self, request: RequestPlan, invited: datetime, free: bool, late: bool) -> None:
        """One invited organisation's answer: it signs some days on or, when ``free`` to, declines or never
        answers."""
        draw = self.rng.random()
        when = self.clock.later(self.rng, invited, 0, self._delay())
        if (free and draw < SILENT_SHARE[late]) or when > self.clock.now:
            when = None
        declines = free and draw > 1 - DECLINE_SHARE
        request.signed.append(None if declines else when)
        request.declined.append(when if declines else None)
        request.expired.append(None)

    def _invite_later(self, request: RequestPlan, joined: datetime) -> None:
        """One or two later rounds of invitations to organisations of the network not yet asked."""
        network = self.plan.network
        asked = set(map(id, self.plan.parties))
        others = [org for org in (network.organisations if network else []) if id(org) not in asked]
        for _ in range(self.rng.randint(*LATE_ROUNDS)):
            when = self.clock.later(self.rng, joined, 10, 150)
            chosen = self.rng.sample(others, min(len(others), self.rng.randint(*LATE_ORGANISATIONS)))
            if when > self.clock.now or not chosen:
                return
            last_day = local_day(when) + days(RESPOND_DAYS)
            request.late.append(
                LateInvitation(when, chosen, last_day if self.rng.random() < RESPOND_BY_SHARE else None)
            )
            for _ in chosen:
                self._answer(request, when, free=True, late=True)
            others = [org for org in others if org not in chosen]
            joined = when


def settle_joining(plan, request: RequestPlan, clock: Clock, rng: Random) -> None:
    """Close an accession's joining at the first of: by hand, notice given, a renewal begun or the end.

    What would have come after the closing does not happen: those still invited are withdrawn by it. An
    invitation not answered by its last day expires the next night, unless the joining closed first. A
    renewal is between the organisations that had joined (reminders.renewal.staying_parties).
    """
    if request.mode != "accession" or request.outcome != "joined":
        return
    ends = [request.close_by_hand, plan.terminated_at, plan.renewal and plan.renewal.created]
    if plan.final_end is not None:
        ends.append(at(plan.final_end + timedelta(days=1), 9))
    closed = min((when for when in ends if when is not None), default=None)
    if closed is not None and closed <= clock.now:
        request.ended = closed
    _trim(request, request.ended or clock.now)
    _expire(request, clock, rng)
    if plan.renewal is not None:
        joined = [org for org, signed in zip(invited(plan, request), request.signed, strict=True) if signed]
        plan.renewal.parties = [plan.owner, *(org for org in joined if org is not plan.owner)]


def invited(plan, request: RequestPlan) -> list:
    """The organisations a request asked, in their positions: the other parties, the drafting workshop,
    then those invited later."""
    return [*plan.parties[1:], plan.parties[0], *(org for late in request.late for org in late.orgs)]


def _trim(request: RequestPlan, until: datetime) -> None:
    """Forget the invitations and answers that would have come at or after ``until``."""
    first = len(request.signed) - sum(len(late.orgs) for late in request.late)
    kept = [late for late in request.late if late.when < until]
    count = first + sum(len(late.orgs) for late in kept)
    request.late = kept
    for answers in (request.signed, request.declined, request.expired):
        del answers[count:]
        answers[:] = [when if when and when < until else None for when in answers]


def _expire(request: RequestPlan, clock: Clock, rng: Random) -> None:
    """Invitations unanswered by their last day expire in the scheduler's first run after it."""
    position = len(request.signed) - sum(len(late.orgs) for late in request.late)
    for late in request.late:
        for _ in late.orgs:
            if late.respond_by is not None:
                _expire_one(request, position, late.respond_by, clock, rng)
            position += 1


def _expire_one(request: RequestPlan, position: int, respond_by: date, clock: Clock, rng: Random) -> None:
    """Expire one invitation whose answer came after its last day, or never."""
    answered = request.signed[position] or request.declined[position]
    if answered is not None and local_day(answered) <= respond_by:
        return
    expired = at(respond_by + timedelta(days=1), 0, rng.randint(0, 59))
    if expired <= min(request.ended or clock.now, clock.now):
        request.signed[position] = request.declined[position] = None
        request.expired[position] = expired
