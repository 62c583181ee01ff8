"""Every dashboard figure equals a brute-force recount, in Python, of the same randomly generated field.

Hypothesis draws organisations in three regions and agreements of every kind, status and date span around
``TODAY``, with open or closed comment rounds and pending signature requests, and parties of their own
terms: one that gave notice alone and leaves before, on or after ``TODAY``, one that joined a commitment
before, on or after ``TODAY`` (bound from its own signature day), or one not bound; the recount
works from the drawn description alone, never from the queries under test.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from agreements.core.dates import notice_deadline
from agreements.core.timeutil import HELSINKI
from agreements.dashboard.queries import region_figures, trend, trend_by_region
from agreements.demo.seed import business_ids
from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion, agreement_parties
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind, Region
from agreements.reviews.models import CommentRound, RoundStatus, RoundVisibility
from agreements.signatures.models import RequestStatus, SignatureRequest, SigningOrder

TODAY = date(2026, 11, 23)
NOW = datetime.combine(TODAY, time(12), tzinfo=HELSINKI)
REGION_CODES = ("01", "02", "06")
KINDS = ("bilateral", "annex", "commitment")
RUNNING = {"signed", "terminated"}
#: A party's own terms: it stays (None), is not bound, leaves this many days from ``TODAY``, or joined
#: ("joined", days from ``TODAY``).
PARTY_TERMS = st.one_of(
    st.none(), st.just("unbound"), st.integers(-60, 60), st.tuples(st.just("joined"), st.integers(-60, 60))
)

organisations = st.lists(
    st.tuples(st.sampled_from(["workshop", "provider"]), st.sampled_from(REGION_CODES), st.booleans()),
    min_size=2,
    max_size=10,
)
agreements = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 99),
            "others": st.lists(st.tuples(st.integers(0, 99), PARTY_TERMS), max_size=3),
            "kind": st.sampled_from(KINDS),
            "status": st.sampled_from([s.value for s in AgreementStatus]),
            "start": st.integers(-900, 200),
            "length": st.one_of(
                st.none(), st.integers(0, 40), st.integers(0, 1200)
            ),  # short: between month ends
            "auto_renew": st.booleans(),
            "notice_months": st.integers(0, 6),
            "round": st.sampled_from([None, "open", "closed"]),
            "waiting_days": st.one_of(st.none(), st.integers(0, 60)),
            "renewed": st.sampled_from([None, "draft", "cancelled"]),
        }
    ),
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn_organisations=organisations, drawn_agreements=agreements)
def test_every_figure_equals_a_recount(templates, drawn_organisations, drawn_agreements):
    _clear()
    regions = {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(REGION_CODES)))}
    orgs = _organisations(drawn_organisations, regions)
    workshops = [o for o in orgs if o["kind"] == "workshop"]
    specs = [_spec(drawn, orgs, workshops) for drawn in drawn_agreements if workshops]
    _store(specs, templates)

    figures = region_figures({r.id for r in regions.values()}, TODAY, NOW)

    for code, region in regions.items():
        expected = _recount(code, orgs, specs)
        got = figures[region.id]
        shown = {name: getattr(got, name) for name in expected}
        shown["by_status"] = dict(got.by_status)
        shown["waiting_days"] = sorted(got.waiting_days)
        assert shown == expected, code
    months = trend({r.id for r in regions.values()}, TODAY)
    assert len(months) == 24 and months[-1][0] == TODAY
    assert [count for _day, count in months] == [
        sum(_in_force(s, day) for s in specs) for day, _count in months
    ]
    by_region = trend_by_region({r.id for r in regions.values()}, TODAY)
    for code, region in regions.items():
        ours = [s for s in specs if s["owner_org"]["code"] == code]
        expected = [sum(_in_force(s, day) for s in ours) for day, _count in months]
        assert by_region.get(region.id, [0] * len(months)) == expected, code


def _clear():
    for table in ("signature_requests", "comment_rounds", "agreement_versions"):
        db.session.execute(delete(db.metadata.tables[table]))
    db.session.execute(delete(agreement_parties))
    db.session.execute(delete(Agreement))
    db.session.execute(delete(Organisation))
    db.session.commit()


def _organisations(drawn, regions) -> list[dict]:
    orgs, ids = [], business_ids()
    for n, (kind, code, active) in enumerate(drawn):
        organisation = Organisation(
            kind=OrganisationKind(kind),
            name=f"Org {n}",
            business_id=next(ids),
            region=regions[code],
            municipality="Kunta",
            active=active,
        )
        db.session.add(organisation)
        orgs.append({"kind": kind, "code": code, "active": active, "row": organisation})
    db.session.flush()
    return orgs


def _spec(drawn: dict, orgs: list[dict], workshops: list[dict]) -> dict:
    owner = workshops[drawn["owner"] % len(workshops)]
    others = [(orgs[i % len(orgs)], terms) for i, terms in drawn["others"]]
    parties = [owner, *(org for org, _terms in others)]
    unique = list({id(party): party for party in parties}.values())
    # The drafting workshop stays; another party drawn twice has the terms drawn last.
    terms = {id(org): terms for org, terms in others if org is not owner}
    start = TODAY + timedelta(days=drawn["start"])
    end = None if drawn["length"] is None else start + timedelta(days=drawn["length"])
    return {
        **drawn,
        "owner_org": owner,
        "parties": unique,
        "terms": terms,
        "start_date": start,
        "end_date": end,
    }


def _store(specs: list[dict], templates: dict) -> None:
    for n, spec in enumerate(specs):
        agreement = _agreement(n, spec, templates[spec["kind"]])
        spec["row"] = agreement
        if spec["round"]:
            _round(agreement, spec["round"])
        if spec["waiting_days"] is not None:
            _pending_request(agreement, spec["waiting_days"])
        if spec["renewed"]:
            renewal = _agreement(1000 + n, {**spec, "status": spec["renewed"]}, templates[spec["kind"]])
            renewal.renewal_of = agreement
    db.session.commit()


def _agreement(n: int, spec: dict, template_version) -> Agreement:
    header = {
        "title": f"Sopimus {n}",
        "start_date": spec["start_date"],
        "end_date": spec["end_date"],
        "notice_period_months": spec["notice_months"],
        "auto_renew": spec["auto_renew"],
    }
    party_rows = [p["row"] for p in spec["parties"]]
    agreement = Agreement(
        reference=f"SOP-T-{n:05d}",
        status=AgreementStatus(spec["status"]),
        template_version=template_version,
        language="fi",
        owner=spec["owner_org"]["row"],
        current_version_number=1,
        parties=party_rows,
        **header,
    )
    agreement.versions.append(
        AgreementVersion(number=1, change_note="", party_ids=[p.id for p in party_rows], values={}, **header)
    )
    db.session.add(agreement)
    db.session.flush()
    for party in spec["parties"]:
        _set_terms(agreement, party["row"], spec["terms"].get(id(party)))
    return agreement


def _set_terms(agreement: Agreement, organisation: Organisation, terms) -> None:
    """Give the party its drawn terms: not bound, joined on a day, or leaving on a day after notice three
    months before."""
    if terms is None:
        return
    if terms == "unbound":
        values = {"bound": False}
    elif isinstance(terms, tuple):
        values = {"joined_on": TODAY + timedelta(days=terms[1])}
    else:
        left_on = TODAY + timedelta(days=terms)
        values = {"left_on": left_on, "notice_given_on": left_on - timedelta(days=90)}
    db.session.execute(
        update(agreement_parties)
        .where(
            agreement_parties.c.agreement_id == agreement.id,
            agreement_parties.c.organisation_id == organisation.id,
        )
        .values(**values)
    )


def _round(agreement: Agreement, status: str) -> None:
    closed = status == "closed"
    db.session.add(
        CommentRound(
            agreement=agreement,
            version=agreement.versions[0],
            deadline=NOW + timedelta(days=3),
            visibility=RoundVisibility.ALL_INVITEES,
            status=RoundStatus(status),
            closed_at=NOW if closed else None,
        )
    )


def _pending_request(agreement: Agreement, days: int) -> None:
    db.session.add(
        SignatureRequest(
            agreement=agreement,
            version=agreement.versions[0],
            sent_at=NOW - timedelta(days=days, hours=1),
            order=SigningOrder.PARALLEL,
            status=RequestStatus.PENDING,
            docx=b"docx",
            docx_sha256="0" * 64,
        )
    )


def _in_force(spec: dict, day: date) -> bool:
    return (
        spec["status"] in RUNNING
        and spec["start_date"] <= day
        and (spec["end_date"] is None or spec["end_date"] >= day)
    )


def _in_force_for(spec: dict, organisation: dict, day: date) -> bool:
    """The agreement is in force for the party: bound, not before the day it joined, and not after its own
    end when it left alone."""
    terms = spec["terms"].get(id(organisation))
    if terms == "unbound":
        return False
    if isinstance(terms, tuple):
        return _in_force(spec, day) and day >= TODAY + timedelta(days=terms[1])
    left_on = None if terms is None else TODAY + timedelta(days=terms)
    return _in_force(spec, day) and (left_on is None or day <= left_on)


def _recount(code: str, orgs: list[dict], specs: list[dict]) -> dict:
    """The region's figures, counted from the drawn description."""
    mine = [s for s in specs if s["owner_org"]["code"] == code]
    local = [o for o in orgs if o["code"] == code and o["active"]]

    def party_to(organisation, commitment: bool) -> bool:
        return any(
            any(party is organisation for party in s["parties"])
            and _in_force_for(s, organisation, TODAY)
            and (s["kind"] == "commitment") == commitment
            for s in specs
        )

    return {
        "workshops": sum(1 for o in local if o["kind"] == "workshop"),
        "workshops_in_force": sum(1 for o in local if o["kind"] == "workshop" and party_to(o, False)),
        "providers_in_force": sum(1 for o in local if o["kind"] == "provider" and party_to(o, False)),
        "committed": sum(1 for o in local if party_to(o, True)),
        "by_status": _statuses(mine),
        "open_rounds": sum(1 for s in mine if s["round"] == "open"),
        "waiting_days": sorted(s["waiting_days"] for s in mine if s["waiting_days"] is not None),
        "ending_soon": sum(
            1
            for s in mine
            if _in_force(s, TODAY) and s["end_date"] and s["end_date"] <= TODAY + timedelta(90)
        ),
        "renewals_overdue": sum(1 for s in mine if _overdue(s)),
    }


def _statuses(mine: list[dict]) -> dict:
    """Agreements by status; a renewal is an agreement of the same owner too, with its own status."""
    return dict(Counter(s["status"] for s in mine) + Counter(s["renewed"] for s in mine if s["renewed"]))


def _overdue(spec: dict) -> bool:
    deadline = notice_deadline(spec["end_date"], spec["notice_months"])
    return (
        spec["status"] == "signed"
        and not spec["auto_renew"]
        and deadline is not None
        and deadline < TODAY
        and spec["end_date"] >= TODAY - timedelta(days=90)
        and spec["renewed"] in (None, "cancelled")
    )


@pytest.mark.parametrize(("leaves_in", "counted"), [(-1, False), (0, True), (1, True)])
def test_a_provider_that_left_counts_until_its_own_end(
    templates, make_organisation, make_agreement, leaves_in, counted
):
    workshop = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06")
    leaving, staying = (make_organisation(kind=OrganisationKind.PROVIDER, region_code="06") for _ in "ab")
    agreement = make_agreement(
        owner=workshop,
        providers=[leaving, staying],
        status=AgreementStatus.SIGNED,
        template_version=templates["bilateral"],
        start_date=TODAY - timedelta(days=200),
        end_date=TODAY + timedelta(days=200),
    )
    _set_terms(agreement, leaving, leaves_in)
    region = workshop.region

    figures = region_figures({region.id}, TODAY, NOW)[region.id]

    assert (figures.workshops_in_force, figures.providers_in_force) == (1, 2 if counted else 1)
    assert [count for _day, count in trend({region.id}, TODAY)][-1] == 1  # the agreement goes on


@pytest.mark.parametrize(("joins_in", "counted"), [(-1, True), (0, True), (1, False)])
def test_an_organisation_counts_as_committed_from_the_day_it_joined(
    templates, make_organisation, make_agreement, joins_in, counted
):
    workshop = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06")
    joining, invited = (make_organisation(kind=OrganisationKind.PROVIDER, region_code="06") for _ in "ab")
    commitment = make_agreement(
        owner=workshop,
        providers=[joining, invited],
        status=AgreementStatus.SIGNED,
        template_version=templates["commitment"],
        start_date=TODAY - timedelta(days=200),
        end_date=None,
    )
    _set_terms(commitment, workshop, "unbound")
    _set_terms(commitment, invited, "unbound")
    _set_terms(commitment, joining, ("joined", joins_in))
    region = workshop.region

    figures = region_figures({region.id}, TODAY, NOW)[region.id]

    assert figures.committed == (1 if counted else 0)
