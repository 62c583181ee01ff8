"""Which agreements are made between whom, and when: each network's commitment to the guidelines, and
workshops' cooperation with providers, each followed through its renewals and annexes."""

from datetime import timedelta
from random import Random

from agreements.core.dates import add_months
from agreements.demo.generate_clock import Clock, days, local_day, seeded, weighted
from agreements.demo.generate_people import Org, People
from agreements.demo.generate_plan import Lifecycle, Plan, first_of_next_month

#: Term lengths of fixed-term agreements in months, and how often each is chosen.
TERMS = ((12, 0.4), (24, 0.35), (36, 0.25))
OPEN_ENDED_SHARE = 0.25
AUTO_RENEW_SHARE = 0.25
NOTICE_MONTHS = (1, 2, 3, 3, 3, 6)
#: How many providers a cooperation agreement has, and how often.
PROVIDER_COUNTS = ((1, 0.75), (2, 0.2), (3, 0.05))
#: Most organisations that sign one commitment.
MAX_COMMITMENT_PARTIES = 80


def plan_agreements(people: People, target: int, clock: Clock, seed: str) -> list[Plan]:
    """About ``target`` agreements: the networks' commitments, then cooperation threads until enough."""
    plans = []
    for number, network in enumerate(people.networks):
        plans += _commitments(network, clock, seeded(seed, "commitment", number))
    rng = seeded(seed, "threads")
    workshops = people.workshops
    weights = [rng.lognormvariate(0, 0.6) for _ in workshops]
    number = 0
    while len(plans) < target:
        workshop = rng.choices(workshops, weights)[0]
        providers = _providers(rng, people, workshop)
        created = clock.office_time(rng, local_day(clock.between(rng, clock.start + days(60), clock.now)))
        if created <= clock.now:
            plan = _cooperation(rng, workshop, providers, created)
            plans += _thread(plan, seeded(seed, "thread", number), clock)
            number += 1
    return sorted(plans, key=lambda plan: plan.created)


def _thread(first: Plan, rng: Random, clock: Clock) -> list[Plan]:
    """An agreement and everything it leads to: renewals of renewals, annexes."""
    done, waiting = [], [first]
    while waiting:
        plan = waiting.pop(0)
        waiting += Lifecycle(plan, rng, clock).run(_round_kinds(plan, rng))
        done.append(plan)
    return done


def _round_kinds(plan: Plan, rng: Random) -> list[bool]:
    """The agreement's comment rounds: False for one with chosen invitees, True for a whole network."""
    if plan.key == "commitment":
        if plan.renewal_of:
            return [True] if rng.random() < 0.5 else []
        return [False, True] if rng.random() < 0.6 else [True]
    share = {"cooperation": 0.25, "compensation_annex": 0.1}[plan.key] * (0.4 if plan.renewal_of else 1)
    return [False] if rng.random() < share else []


def _term(rng: Random, created) -> tuple:
    """Start, end (None: open-ended), notice months and automatic renewal chosen when drafting."""
    start = first_of_next_month(local_day(created), rng.randint(1, 2))
    if rng.random() < OPEN_ENDED_SHARE:
        return start, None, rng.choice(NOTICE_MONTHS), False
    months = weighted(rng, TERMS)
    end = add_months(start, months) - timedelta(days=1)
    return start, end, rng.choice(NOTICE_MONTHS), rng.random() < AUTO_RENEW_SHARE


def _cooperation(rng: Random, workshop: Org, providers: list[Org], created) -> Plan:
    """A cooperation agreement between a workshop and providers, drafted at ``created``."""
    start, end, notice, auto_renew = _term(rng, created)
    return Plan("cooperation", workshop, [workshop, *providers], created, start, end, notice, auto_renew)


def _providers(rng: Random, people: People, workshop: Org) -> list[Org]:
    """One to three providers, mostly from the workshop's own region, else from its network or anywhere."""
    count = weighted(rng, PROVIDER_COUNTS)
    network = people.regional_network(workshop)
    nearby = people.in_region(workshop.region_code, "provider")
    if not nearby or rng.random() < 0.15:
        codes = network.region_codes if network else ()
        nearby = [org for code in codes for org in people.in_region(code, "provider")] or [
            org for org in people.organisations if org.kind == "provider"
        ]
    return rng.sample(nearby, min(count, len(nearby)))


def _commitments(network, clock: Clock, rng: Random) -> list[Plan]:
    """The network's commitment to the guidelines, signed by many of its organisations, and its renewals."""
    workshops = [org for org in network.organisations if org.kind == "workshop"]
    if len(network.organisations) < 3 or not workshops:
        return []
    owner = rng.choice(workshops)
    others = [org for org in network.organisations if org is not owner]
    joining = rng.sample(
        others, min(MAX_COMMITMENT_PARTIES - 1, max(2, int(len(others) * rng.uniform(0.4, 0.7))))
    )
    created = clock.office_time(rng, local_day(clock.start + days(rng.uniform(60, 240))))
    start = first_of_next_month(local_day(created), 2)
    end = add_months(start, 36) - timedelta(days=1) if rng.random() < 0.7 else None
    plan = Plan("commitment", owner, [owner, *joining], created, start, end, 6, False, network)
    return _thread(plan, rng, clock)
