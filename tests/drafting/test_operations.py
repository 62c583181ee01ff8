"""Creating agreements and saving versions: references, party rules, value checks, immutable versions,
and the refusal of a save based on an outdated version."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agreements.core.timeutil import helsinki_today
from agreements.drafting import lifecycle, operations
from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion
from agreements.extensions import db
from tests.support.audit import audit_actions
from tests.support.factories import PROVIDER, SAMPLE_VALUES, WORKSHOP

HEADER = {
    "title": "Yhteistyösopimus",
    "start_date": date(2026, 8, 1),
    "end_date": date(2027, 7, 31),
    "notice_period_months": 3,
    "auto_renew": False,
}


def create(template_version, owner, parties, values=None, actor=None, **header):
    return operations.create_agreement(
        template_version,
        "fi",
        owner,
        parties,
        **{**HEADER, **header},
        values=dict(SAMPLE_VALUES if values is None else values),
        change_note="Ensimmäinen luonnos",
        actor=actor,
    )


def save(agreement, base, actor=None, parties=None, values=None, note="", **header):
    latest = agreement.latest_version
    current = {name: getattr(latest, name) for name in operations.HEADER_FIELDS}
    return operations.save_version(
        agreement,
        base,
        **{**current, **header},
        parties=parties if parties is not None else [p for p in agreement.parties if p != agreement.owner],
        values=values if values is not None else dict(latest.values),
        change_note=note,
        actor=actor,
    )


def test_references_are_sequential_within_the_year(template_version, workshop, provider):
    year = helsinki_today().year
    references = [create(template_version, workshop, [provider]).reference for _ in range(3)]
    assert references == [f"SOP-{year}-0001", f"SOP-{year}-0002", f"SOP-{year}-0003"]


def test_each_year_counts_from_one():
    assert operations.next_reference(2031) == "SOP-2031-0001"
    assert operations.next_reference(2032) == "SOP-2032-0001"
    assert operations.next_reference(2031) == "SOP-2031-0002"


def test_a_reference_cannot_be_given_twice(template_version, workshop, provider):
    first = create(template_version, workshop, [provider])
    db.session.commit()
    second = create(template_version, workshop, [provider])
    second.reference = first.reference
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_create_stores_the_first_version_with_who_when_and_note(template_version, workshop, provider, editor):
    agreement = create(template_version, workshop, [provider], actor=editor)
    db.session.commit()
    version = agreement.latest_version
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.current_version_number == version.number == 1
    assert version.created_by == editor
    assert version.created_at is not None
    assert version.change_note == "Ensimmäinen luonnos"
    assert version.values == SAMPLE_VALUES
    assert version.party_ids == [workshop.id, provider.id]
    assert set(agreement.parties) == {workshop, provider}
    assert audit_actions(agreement) == ["agreement.create"]


def test_each_save_is_a_new_version_and_old_ones_are_kept(make_agreement, editor):
    agreement = make_agreement(owner=editor.memberships[0].organisation)
    version = save(agreement, 1, actor=editor, title="Uusi otsikko", note="Otsikko tarkennettu")
    db.session.commit()
    assert version.number == 2
    assert version.created_by == editor
    assert version.change_note == "Otsikko tarkennettu"
    assert agreement.title == "Uusi otsikko"
    assert [v.title for v in agreement.versions] == [
        "Yhteistyösopimus työelämässä oppimisesta",
        "Uusi otsikko",
    ]
    assert audit_actions(agreement) == ["agreement.save"]


def test_a_saved_version_cannot_be_changed(make_agreement):
    version = make_agreement().latest_version
    version.title = "Muutettu jälkikäteen"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.commit()


def test_a_save_without_changes_makes_no_version(make_agreement):
    agreement = make_agreement()
    assert save(agreement, 1, note="Ei muutoksia") is None
    assert agreement.current_version_number == 1


@pytest.mark.parametrize("status", [s for s in AgreementStatus if s not in lifecycle.EDITABLE])
def test_only_drafts_can_be_edited(make_agreement, status):
    agreement = make_agreement(status=status)
    with pytest.raises(operations.NotEditable) as refused:
        save(agreement, 1, title="Muutos")
    assert status.title in refused.value.message
    assert db.session.scalar(select(AgreementVersion).where(AgreementVersion.number == 2)) is None


def test_a_save_based_on_an_older_version_is_refused_naming_the_latest(make_agreement, make_user):
    first, second = make_user(name="Ensimmäinen Editori"), make_user(name="Toinen Editori")
    agreement = make_agreement()
    save(agreement, 1, actor=first, title="Ensimmäisen muutos")
    db.session.commit()
    with pytest.raises(operations.EditConflict) as conflict:
        save(agreement, 1, actor=second, title="Toisen muutos")
    assert conflict.value.latest.number == 2
    assert "Ensimmäinen Editori saved version 2" in conflict.value.message
    db.session.rollback()
    assert agreement.title == "Ensimmäisen muutos"
    assert agreement.current_version_number == 2


class TestPartyRules:
    def test_a_bilateral_agreement_needs_a_provider(self, template_version, workshop):
        with pytest.raises(operations.InvalidAgreement) as refused:
            create(template_version, workshop, [])
        assert refused.value.errors == {"parties": "Choose at least one education provider."}

    def test_a_bilateral_agreement_may_have_several_providers(
        self, template_version, workshop, make_organisation
    ):
        providers = [make_organisation(kind=PROVIDER) for _ in range(3)]
        agreement = create(template_version, workshop, providers)
        assert agreement.latest_version.party_ids == [workshop.id, *(p.id for p in providers)]

    def test_a_bilateral_agreement_refuses_another_workshop(
        self, template_version, workshop, provider, make_organisation
    ):
        other = make_organisation(kind=WORKSHOP, name="Toinen Paja")
        with pytest.raises(operations.InvalidAgreement, match="Toinen Paja is not an education provider"):
            create(template_version, workshop, [provider, other])

    def test_an_annex_follows_the_bilateral_rule(self, make_template_version, workshop):
        annex = make_template_version(key="test_annex", kind="annex")
        with pytest.raises(operations.InvalidAgreement):
            create(annex, workshop, [])

    def test_a_commitment_may_have_any_organisations(
        self, commitment_version, workshop, provider, make_organisation
    ):
        other_workshop = make_organisation(kind=WORKSHOP)
        agreement = create(commitment_version, workshop, [provider, other_workshop])
        assert agreement.latest_version.party_ids == [workshop.id, provider.id, other_workshop.id]

    def test_a_commitment_may_be_the_owner_alone(self, commitment_version, workshop):
        assert create(commitment_version, workshop, []).latest_version.party_ids == [workshop.id]

    def test_the_owner_is_listed_once(self, commitment_version, workshop, provider):
        agreement = create(commitment_version, workshop, [workshop, provider, provider])
        assert agreement.latest_version.party_ids == [workshop.id, provider.id]

    def test_inactive_organisations_cannot_be_parties(self, template_version, workshop, make_organisation):
        closed = make_organisation(kind=PROVIDER, name="Lakkautettu Oppilaitos", active=False)
        with pytest.raises(operations.InvalidAgreement, match="Lakkautettu Oppilaitos is inactive"):
            create(template_version, workshop, [closed])

    def test_only_a_workshop_drafts(self, template_version, provider, make_organisation):
        with pytest.raises(operations.InvalidAgreement, match="is not a youth workshop"):
            create(template_version, provider, [make_organisation(kind=PROVIDER)])

    def test_saving_checks_the_parties_too(self, make_agreement, make_organisation):
        agreement = make_agreement()
        with pytest.raises(operations.InvalidAgreement):
            save(agreement, 1, parties=[make_organisation(kind=WORKSHOP)])


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"instructor": ""}, "“Instructor” is required."),
        ({"instructor": None}, "“Instructor” is required."),
        ({"places": "three"}, "“Places” has an invalid value."),
        ({"places": True}, "“Places” has an invalid value."),
        ({"places": 0}, "“Places” must be at least 1."),
        ({"places": 51}, "“Places” must be at most 50."),
        ({"fee": "-1.00"}, "“Fee” must be at least 0."),
        ({"fee": "lots"}, "“Fee” has an invalid value."),
        ({"first_day": "31.12.2026"}, "“First day” has an invalid value."),
        ({"billing": "weekly"}, "“Billing” has an invalid value."),
        ({"billing": None}, "“Billing” is required."),
        ({"units": [{"name": "", "students": 1}]}, "Units, row 1: “Unit” is required."),
        ({"units": [{"name": "A", "students": "x"}]}, "Units, row 1: “Students” has an invalid value."),
        ({"units": "not rows"}, "“Units” has an invalid value."),
    ],
)
def test_values_are_checked_against_the_manifest(template_version, workshop, provider, change, problem):
    key = next(iter(change))
    with pytest.raises(operations.InvalidAgreement) as refused:
        create(template_version, workshop, [provider], values={**SAMPLE_VALUES, **change})
    assert refused.value.errors == {key: problem}
    assert db.session.scalar(select(Agreement)) is None


def test_empty_optional_values_are_stored_as_empty(template_version, workshop, provider):
    values = {
        **SAMPLE_VALUES,
        "first_day": "",
        "fee": None,
        "insured": None,
        "units": None,
        "undeclared": "x",
    }
    agreement = create(template_version, workshop, [provider], values=values)
    stored = agreement.latest_version.values
    assert (stored["first_day"], stored["fee"], stored["insured"], stored["units"]) == (None, None, False, [])
    assert "undeclared" not in stored


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ({"title": "  "}, "title"),
        ({"end_date": date(2026, 7, 31)}, "end_date"),
        ({"notice_period_months": 25}, "notice_period_months"),
        ({"notice_period_months": -1}, "notice_period_months"),
    ],
)
def test_the_header_is_checked(template_version, workshop, provider, header, field):
    with pytest.raises(operations.InvalidAgreement) as refused:
        create(template_version, workshop, [provider], **header)
    assert list(refused.value.errors) == [field]


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_concurrent_requests_get_distinct_references(app):
    """Four requests numbering at once, the year's counter not yet created: each gets its own number."""
    barrier = threading.Barrier(4)

    def number() -> str:
        with app.app_context():
            barrier.wait()
            reference = operations.next_reference(2040)
            time.sleep(0.05)  # hold the counter a moment, so the others must wait for it
            db.session.commit()
            return reference

    with ThreadPoolExecutor(max_workers=4) as pool:
        references = list(pool.map(lambda _: number(), range(4)))
    assert sorted(references) == [f"SOP-2040-{n:04d}" for n in range(1, 5)]
