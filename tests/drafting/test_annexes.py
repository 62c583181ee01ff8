"""Annexes linked to their main agreement (issue 15, item 7): the link is chosen from the drafting workshop's
agreements when an annex is made and checked on the server; the main agreement's page lists its annexes and
the annex's page names its main agreement; every way the main agreement ends (notice, a provider's own
notice, cancellation) shows its annexes with a "keep in force" box each and ends the others the same way,
audited per annex; a renewal offers to take the annexes over."""

import json
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from agreements import ROOT
from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.timeutil import helsinki_today
from agreements.drafting import annexes, operations
from agreements.drafting.models import Agreement, AgreementOrigin, AgreementStatus, AgreementVersion
from agreements.drafting.parties import terms_of
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation, OrganisationKind
from agreements.reminders.renewal import give_notice
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version, read_package_folder
from tests.support.client import log_in
from tests.support.factories import SAMPLE_VALUES
from tests.support.fresh_database import connected, flask_db, fresh_database_url  # noqa: F401 - a fixture
from tests.support.pages import form_values, page_text

S = AgreementStatus
JANUARY_12 = date(2027, 1, 12)


@pytest.fixture
def annex_version(make_template_version):
    """The test package as an annex template."""
    return make_template_version(key="test_annex", kind="annex")


@pytest.fixture
def second_provider(make_organisation):
    return make_organisation(kind=OrganisationKind.PROVIDER, name="Sasky")


@pytest.fixture
def main(make_agreement, workshop, provider, editor):
    """A signed cooperation agreement of the workshop with the provider, 1.8.2026–31.7.2027."""
    return make_agreement(
        owner=workshop, providers=[provider], status=S.SIGNED, created_by=editor, title="Pääsopimus"
    )


@pytest.fixture
def make_annex(make_agreement, annex_version, workshop, provider, editor):
    """Factory: an annex of ``main`` (by default signed, with the provider, 1.8.2026–31.7.2027)."""

    def make(main, status=S.SIGNED, providers=None, title="Korvausliite", template_version=None, **dates):
        annex = make_agreement(
            owner=workshop,
            providers=providers or [provider],
            status=status,
            template_version=template_version or annex_version,
            created_by=editor,
            title=title,
            **dates,
        )
        annex.main_agreement = main
        db.session.commit()
        return annex

    return make


def events(agreement, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.chain == f"agreement:{agreement.id}", AuditEvent.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def assert_offered(page: str, offered: dict, staying: Agreement) -> None:
    """The confirmation offers a "keep in force" box for each annex ``offered`` (annex: its title and
    status as labelled) and lists ``staying`` as an annex that cannot end this way, without a box."""
    for annex, label in offered.items():
        assert f"Keep {annex.reference} {label} in force" in page
    assert f"Keep {staying.reference}" not in page
    assert "their status does not allow ending them this way" in page and staying.reference in page


def new_annex_url(annex_version, workshop) -> str:
    return f"/agreements/new?template_version_id={annex_version.id}&language=fi&owner_id={workshop.id}"


ANNEX_FIELDS = {
    "title": "Korvausliite",
    "start_date": "2026-08-01",
    "end_date": "2027-07-31",
    "notice_period_months": "3",
    "field-instructor": "Maija Ohjaaja",
    "field-duties": "Ohjaus",
    "field-places": "2",
    "field-fee": "100",
    "field-billing": "monthly",
}


def test_the_shipped_compensation_annex_is_an_annex_that_names_its_main_agreement_as_text():
    manifest_bytes, documents = read_package_folder(ROOT / "agreement_templates" / "compensation_annex")
    version, _created = add_template_version(manifest_bytes, documents, TemplateSource.SHIPPED)
    assert version.template.kind == TemplateKind.ANNEX
    assert "main_agreement_reference" in [field["key"] for field in version.manifest["fields"]]


def test_the_new_annex_form_offers_the_workshops_agreements_that_are_not_annexes_nor_ended(
    editor_client, annex_version, make_agreement, make_annex, main, workshop, provider, editor
):
    draft = make_agreement(owner=workshop, providers=[provider], title="Luonnos")
    ended = [
        make_agreement(owner=workshop, providers=[provider], status=status)
        for status in (S.CANCELLED, S.TERMINATED, S.SUPERSEDED)
    ]
    other_workshops = make_agreement(providers=[provider], status=S.SIGNED)
    annex = make_annex(main)

    page = editor_client.get(new_annex_url(annex_version, workshop)).get_data(as_text=True)

    assert 'name="main_agreement_id"' in page and "Main agreement" in page
    assert f'<option value="{main.id}">{main.reference} Pääsopimus (Signed)</option>' in page
    assert f'<option value="{draft.id}">{draft.reference} Luonnos (Draft)</option>' in page
    for refused in (*ended, other_workshops, annex):
        assert f'<option value="{refused.id}"' not in page


def test_an_agreement_signed_outside_the_service_may_be_the_main_one_unless_it_is_an_annex(
    editor_client, annex_version, make_agreement, workshop, provider
):
    def registered(title, kind):
        agreement = make_agreement(owner=workshop, providers=[provider], status=S.SIGNED, title=title)
        agreement.origin, agreement.template_version, agreement.registered_kind = (
            AgreementOrigin.REGISTERED,
            None,
            kind,
        )
        return agreement

    on_paper, other_kind = registered("Paperilla", TemplateKind.BILATERAL), registered("Muu", None)
    paper_annex = registered("Paperiliite", TemplateKind.ANNEX)
    db.session.commit()

    page = editor_client.get(new_annex_url(annex_version, workshop)).get_data(as_text=True)

    assert f'<option value="{on_paper.id}">' in page and f'<option value="{other_kind.id}">' in page
    assert f'<option value="{paper_annex.id}"' not in page


def test_a_bilateral_agreement_has_no_main_agreement_field(editor_client, template_version, workshop):
    url = f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={workshop.id}"
    assert 'name="main_agreement_id"' not in editor_client.get(url).get_data(as_text=True)


def test_an_annex_is_created_linked_to_the_chosen_main_agreement(
    editor_client, annex_version, main, workshop, provider
):
    data = {**form_values(editor_client.get(new_annex_url(annex_version, workshop))), **ANNEX_FIELDS}
    data.update({"party_ids": [str(provider.id)], "main_agreement_id": str(main.id)})

    response = editor_client.post("/agreements/new", data=data)

    assert response.status_code == 302
    annex = db.session.scalar(select(Agreement).where(Agreement.title == "Korvausliite"))
    assert annex.main_agreement == main and main.annexes == [annex]
    (created,) = events(annex, "agreement.create")
    assert created.details["main_agreement"] == main.reference


@pytest.mark.parametrize("forged", ["other_workshops", "annex", "terminated", "not_a_number", "missing"])
def test_a_forged_main_agreement_is_refused_with_a_form_error(
    editor_client, annex_version, make_agreement, make_annex, main, workshop, provider, forged
):
    choices = {
        "other_workshops": lambda: str(make_agreement(providers=[provider], status=S.SIGNED).id),
        "annex": lambda: str(make_annex(main).id),
        "terminated": lambda: str(
            make_agreement(owner=workshop, providers=[provider], status=S.TERMINATED).id
        ),
        "not_a_number": lambda: "1; DROP TABLE agreements",
        "missing": lambda: "",
    }
    data = {**form_values(editor_client.get(new_annex_url(annex_version, workshop))), **ANNEX_FIELDS}
    data.update({"party_ids": [str(provider.id)], "main_agreement_id": choices[forged]()})
    before = db.session.scalar(select(db.func.count()).select_from(Agreement))

    response = editor_client.post("/agreements/new", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose the main agreement from the list." in page and 'id="main_agreement_id-error"' in page
    assert db.session.scalar(select(db.func.count()).select_from(Agreement)) == before


def test_the_operation_refuses_a_main_agreement_that_is_not_one(
    annex_version, template_version, make_agreement, make_annex, main, workshop, provider, editor
):
    def create(version, main_agreement):
        return operations.create_agreement(
            version,
            Language.FI,
            workshop,
            [provider],
            title="Liite",
            start_date=date(2026, 8, 1),
            end_date=None,
            notice_period_months=3,
            auto_renew=False,
            values=dict(SAMPLE_VALUES),
            actor=editor,
            main_agreement=main_agreement,
        )

    for wrong in (
        None,
        make_annex(main),
        make_agreement(providers=[provider]),
        make_agreement(owner=workshop, providers=[provider], status=S.CANCELLED),
    ):
        with pytest.raises(operations.InvalidAgreement) as refused:
            create(annex_version, wrong)
        assert "main_agreement" in refused.value.errors
    with pytest.raises(operations.InvalidAgreement, match=r"Only an annex belongs to a main agreement\."):
        create(template_version, main)
    assert create(annex_version, main).main_agreement == main


def test_the_main_agreements_page_lists_its_annexes_and_the_annex_names_its_main(
    editor_client, main, make_annex, second_provider
):
    signed = make_annex(main, title="Korvausliite 2026")
    draft = make_annex(main, status=S.DRAFT, title="Uusi liite", providers=[second_provider])

    page = page_text(editor_client.get(f"/agreements/{main.id}"))
    assert "Annexes" in page
    assert f"{signed.reference} Korvausliite 2026</a>" in page and f"{draft.reference} Uusi liite</a>" in page
    assert "Signed</span>" in page and "Draft</span>" in page

    annex_page = page_text(editor_client.get(f"/agreements/{signed.id}"))
    assert "Annex to" in annex_page
    assert f'<a href="/agreements/{main.id}">{main.reference} Pääsopimus</a>' in annex_page


def test_a_reader_sees_only_the_annexes_and_main_agreement_they_may_read(
    client, make_user, main, make_annex, provider, second_provider, make_agreement, workshop
):
    theirs = make_annex(main, title="Tredun liite")
    others = make_annex(main, title="Saskyn liite", providers=[second_provider])
    log_in(client, make_user(organisation=provider, role=MembershipRole.VIEWER))
    page = page_text(client.get(f"/agreements/{main.id}"))
    assert theirs.reference in page and others.reference not in page

    hidden_main = make_agreement(owner=workshop, providers=[second_provider], status=S.SIGNED)
    annex = make_annex(hidden_main, title="Liite ilman näkyvää pääsopimusta")
    page = page_text(client.get(f"/agreements/{annex.id}"))
    assert "Annex to" not in page and hidden_main.reference not in page


def test_the_notice_page_lists_the_annexes_each_with_a_keep_box_unticked(
    editor_client, main, make_annex, provider
):
    annex = make_annex(main)
    awaiting = make_annex(main, status=S.AWAITING_SIGNATURES, title="Allekirjoitettavana")
    page = page_text(editor_client.get(f"/agreements/{main.id}/notice"))
    assert_offered(page, {annex: "Korvausliite (Signed)"}, staying=awaiting)
    assert f"Annex {annex.reference} follows unless kept in force below." in page
    assert "keep_annex_ids" not in form_values(editor_client.get(f"/agreements/{main.id}/notice"))


def test_notice_ending_the_main_agreement_ends_its_annexes_unless_kept(
    editor_client, main, make_annex, workshop, editor
):
    main.end_date = helsinki_today() + relativedelta(years=1)
    db.session.commit()
    following = make_annex(main, title="Päättyvä liite", end_date=main.end_date)
    kept = make_annex(main, title="Pidettävä liite", end_date=main.end_date)
    draft = make_annex(main, status=S.DRAFT, title="Liitteen luonnos", end_date=main.end_date)
    ended_before = make_annex(main, status=S.CANCELLED, title="Peruttu liite")
    today = helsinki_today()

    response = editor_client.post(
        f"/agreements/{main.id}/notice",
        data={
            "given_by": workshop.id,
            "given_on": today.isoformat(),
            "reason": "Toiminta loppuu",
            "keep_annex_ids": [kept.id],
        },
    )

    assert response.status_code == 302
    for agreement in (main, following, kept, draft, ended_before):
        db.session.refresh(agreement)
    end = today + relativedelta(months=3)
    assert (main.status, main.end_date) == (S.TERMINATED, end)
    assert (following.status, following.end_date) == (S.TERMINATED, end)
    assert (following.notice_given_on, following.notice_given_by) == (today, workshop)
    assert draft.status == S.CANCELLED and ended_before.status == S.CANCELLED
    assert kept.status == S.SIGNED and kept.notice_given_on is None
    (terminated,) = events(following, "agreement.terminate")
    assert terminated.actor_id == editor.id
    assert (
        terminated.details["main_agreement"] == main.reference
        and terminated.details["reason"] == "Toiminta loppuu"
    )
    assert events(draft, "agreement.cancel")[0].details["main_agreement"] == main.reference
    assert events(kept, "agreement.terminate") == []
    assert events(main, "agreement.annexes_kept")[0].details == {"annexes": [kept.reference]}
    page = page_text(editor_client.get(f"/agreements/{main.id}"))
    assert f"Annexes {following.reference}, {draft.reference} followed the main agreement." in page


def test_an_annex_ending_earlier_than_the_notice_keeps_its_own_end(main, make_annex, workshop, editor):
    annex = make_annex(main, end_date=date(2027, 2, 28))
    outcome = give_notice(main, workshop, date(2027, 1, 10), "", editor, today=JANUARY_12)
    db.session.commit()
    assert outcome.annexes == (annex,) and main.end_date == date(2027, 4, 10)
    assert (annex.status, annex.end_date) == (S.TERMINATED, date(2027, 2, 28))


def test_a_providers_own_notice_ends_its_part_in_its_annexes_too(
    make_agreement, make_annex, workshop, provider, second_provider, editor
):
    """Decided: a provider that leaves the main agreement leaves its annexes on the same day; an annex
    whose only provider it was ends; annexes it is no party to, and drafts, stay as they are."""
    main = make_agreement(owner=workshop, providers=[provider, second_provider], status=S.SIGNED)
    alone = make_annex(main, title="Tredun liite")
    shared = make_annex(main, title="Yhteinen liite", providers=[provider, second_provider])
    not_its = make_annex(main, title="Saskyn liite", providers=[second_provider])
    draft = make_annex(main, status=S.DRAFT, title="Luonnos")

    outcome = give_notice(main, provider, date(2027, 1, 10), "Resurssit", editor, today=JANUARY_12)
    db.session.commit()

    assert not outcome.ends_agreement and set(outcome.annexes) == {alone, shared}
    assert main.status == S.SIGNED and terms_of(main, provider).left_on == date(2027, 4, 10)
    assert (alone.status, alone.end_date) == (S.TERMINATED, date(2027, 4, 10))
    assert events(alone, "agreement.terminate")[0].details["main_agreement"] == main.reference
    assert shared.status == S.SIGNED and terms_of(shared, provider).left_on == date(2027, 4, 10)
    assert terms_of(shared, provider).notice_given_on == date(2027, 1, 10)
    (party_notice,) = events(shared, "agreement.party_notice")
    assert party_notice.details["main_agreement"] == main.reference
    assert not_its.status == S.SIGNED and draft.status == S.DRAFT
    assert terms_of(shared, second_provider).left_on is None


def test_an_annex_kept_in_force_stays_when_a_provider_leaves(
    make_agreement, make_annex, workshop, provider, second_provider, editor
):
    main = make_agreement(owner=workshop, providers=[provider, second_provider], status=S.SIGNED)
    annex = make_annex(main)
    outcome = give_notice(
        main, provider, date(2027, 1, 10), "", editor, today=JANUARY_12, keep_annexes=[annex.id]
    )
    db.session.commit()
    assert outcome.annexes == () and annex.status == S.SIGNED and terms_of(annex, provider).left_on is None


def test_cancelling_the_main_agreement_cancels_its_draft_annexes_unless_kept(
    editor_client, make_agreement, make_annex, workshop, provider, editor
):
    main = make_agreement(owner=workshop, providers=[provider], title="Luonnos pääsopimukseksi")
    following = make_annex(main, status=S.DRAFT, title="Peruttava liite")
    kept = make_annex(main, status=S.COMMENTING, title="Säilyvä liite")
    awaiting = make_annex(main, status=S.AWAITING_SIGNATURES, title="Allekirjoitettavana")

    page = page_text(editor_client.get(f"/agreements/{main.id}/cancel"))
    assert_offered(
        page,
        {following: "Peruttava liite (Draft)", kept: "Säilyvä liite (Out for comments)"},
        staying=awaiting,
    )

    response = editor_client.post(
        f"/agreements/{main.id}/cancel", data={"reason": "Ei tarvita", "keep_annex_ids": [kept.id]}
    )

    assert response.status_code == 302
    for agreement in (main, following, kept, awaiting):
        db.session.refresh(agreement)
    assert (main.status, following.status, kept.status, awaiting.status) == (
        S.CANCELLED,
        S.CANCELLED,
        S.COMMENTING,
        S.AWAITING_SIGNATURES,
    )
    (cancelled,) = events(following, "agreement.cancel")
    assert cancelled.actor_id == editor.id
    assert cancelled.details == {
        "from": "draft",
        "to": "cancelled",
        "reason": "Ei tarvita",
        "main_agreement": main.reference,
    }
    assert events(main, "agreement.annexes_kept")[0].details == {"annexes": [kept.reference]}


def test_a_forged_annex_to_keep_is_a_form_error_not_a_server_error(
    editor_client, make_agreement, workshop, provider
):
    main = make_agreement(owner=workshop, providers=[provider])
    response = editor_client.post(f"/agreements/{main.id}/cancel", data={"keep_annex_ids": ["x"]})
    assert response.status_code == 200
    db.session.refresh(main)
    assert main.status == S.DRAFT


def test_a_renewal_takes_over_the_annexes_ticked(editor_client, main, make_annex, editor):
    moving = make_annex(main, title="Siirtyvä liite")
    staying = make_annex(main, title="Jäävä liite")

    page = page_text(editor_client.get(f"/agreements/{main.id}/renew"))
    assert f"Move {moving.reference} Siirtyvä liite (Signed) to the renewal" in page

    response = editor_client.post(f"/agreements/{main.id}/renew", data={"move_annex_ids": [moving.id]})

    assert response.status_code == 302
    renewal = db.session.scalar(select(Agreement).where(Agreement.renewal_of_id == main.id))
    db.session.refresh(moving)
    db.session.refresh(staying)
    assert moving.main_agreement == renewal and staying.main_agreement == main
    (moved,) = events(moving, "agreement.annex_moved")
    assert moved.actor_id == editor.id and moved.details == {"from": main.reference, "to": renewal.reference}


def test_the_shipped_annex_follows_its_main_agreement(make_annex, main, workshop, editor):
    manifest_bytes, documents = read_package_folder(ROOT / "agreement_templates" / "compensation_annex")
    shipped, _created = add_template_version(manifest_bytes, documents, TemplateSource.SHIPPED)
    annex = make_annex(main, template_version=shipped)
    assert annexes.cancellable(main) == []
    give_notice(main, workshop, date(2027, 1, 10), "", editor, today=JANUARY_12)
    db.session.commit()
    assert annex.status == S.TERMINATED and annex.end_date == main.end_date


def _insert(connection, model, **values) -> int:
    return connection.execute(model.__table__.insert().values(**values)).inserted_primary_key[0]


def _existing_agreement(connection, owner_id: int, version_id: int, reference: str, values: dict) -> int:
    """An agreement row with one version, as written before annexes were linked."""
    header = {
        "title": reference,
        "start_date": date(2026, 8, 1),
        "notice_period_months": 3,
        "auto_renew": False,
    }
    agreement_id = _insert(
        connection,
        Agreement,
        reference=reference,
        status="signed",
        template_version_id=version_id,
        language="fi",
        owner_id=owner_id,
        current_version_number=1,
        **header,
    )
    _insert(
        connection,
        AgreementVersion,
        agreement_id=agreement_id,
        number=1,
        party_ids=[owner_id],
        values=values,
        **header,
    )
    return agreement_id


def test_the_migration_links_existing_annexes_by_the_reference_they_name_and_keeps_the_text(
    fresh_database_url,  # noqa: F811 - the fixture
):
    url = fresh_database_url
    flask_db(url, "upgrade")
    with connected(url) as connection:
        region_id = connection.execute(text("SELECT min(id) FROM regions")).scalar_one()
        a, b = (
            _insert(
                connection,
                Organisation,
                kind="workshop",
                name=name,
                business_id="0737546-2",
                region_id=region_id,
                municipality="Tampere",
                language="fi",
            )
            for name in ("Paja A", "Paja B")
        )
        versions = {}
        for key, kind in (("cooperation", "bilateral"), ("compensation_annex", "annex")):
            template_id = _insert(connection, AgreementTemplate, key=key, kind=kind, active=True)
            versions[kind] = _insert(
                connection,
                TemplateVersion,
                template_id=template_id,
                number=1,
                manifest={"fields": []},
                docx_fi=b"x",
                docx_sv=b"x",
                checksum=key,
                source="shipped",
            )
        main_a = _existing_agreement(connection, a, versions["bilateral"], "SOP-2026-0001", {})
        _existing_agreement(connection, b, versions["bilateral"], "SOP-2026-0002", {})
        named = {
            "linked": " SOP-2026-0001 ",
            "other_workshops": "SOP-2026-0002",
            "paper": "Yhteistyösopimus 2019",
        }
        annex_ids = {
            case: _existing_agreement(
                connection, a, versions["annex"], f"LIITE-{n}", {"main_agreement_reference": reference}
            )
            for n, (case, reference) in enumerate(named.items())
        }
        connection.commit()

    flask_db(url, "downgrade", "f3e4d5c6b7a8")
    flask_db(url, "upgrade")

    with connected(url) as connection:
        links = dict(connection.execute(text("SELECT id, main_agreement_id FROM agreements")).all())
        kept = connection.execute(text('SELECT agreement_id, "values" FROM agreement_versions')).all()
    assert links[annex_ids["linked"]] == main_a
    assert links[annex_ids["other_workshops"]] is None and links[annex_ids["paper"]] is None
    texts = {agreement_id: (v if isinstance(v, dict) else json.loads(v)) for agreement_id, v in kept}
    assert texts[annex_ids["paper"]] == {"main_agreement_reference": "Yhteistyösopimus 2019"}
    assert texts[annex_ids["linked"]] == {"main_agreement_reference": " SOP-2026-0001 "}


def test_a_draft_annex_is_linked_to_another_main_agreement_when_edited(
    editor_client, make_agreement, make_annex, main, workshop, provider, editor
):
    annex = make_annex(None, status=S.DRAFT)  # an annex from before the link, its main not found
    other = make_agreement(owner=workshop, providers=[provider], status=S.SIGNED, title="Toinen")
    data = form_values(editor_client.get(f"/agreements/{annex.id}/edit"))
    assert data["main_agreement_id"] == ""

    forged = editor_client.post(
        f"/agreements/{annex.id}/edit", data={**data, "main_agreement_id": str(annex.id)}
    )
    assert forged.status_code == 200 and "Choose the main agreement from the list." in forged.get_data(
        as_text=True
    )

    response = editor_client.post(
        f"/agreements/{annex.id}/edit", data={**data, "main_agreement_id": str(other.id)}
    )

    assert response.status_code == 302
    db.session.refresh(annex)
    assert annex.main_agreement == other and annex.current_version_number == 1
    (linked,) = events(annex, "agreement.main_agreement_set")
    assert linked.actor_id == editor.id and linked.details == {"from": None, "to": other.reference}
    page = page_text(editor_client.get(f"/agreements/{annex.id}"))
    assert "The main agreement was changed; the text was not, so no new version was saved." in page
    assert "Linked the annex to another main agreement" in page_text(
        editor_client.get(f"/signatures/history/{annex.id}")
    )


def test_a_signed_annex_is_renewed_as_an_annex_of_its_main_agreement(editor_client, main, make_annex):
    annex = make_annex(main)
    page = page_text(editor_client.get(f"/agreements/{annex.id}"))
    assert "Renew the agreement" in page

    confirm = page_text(editor_client.get(f"/agreements/{annex.id}/renew"))
    assert f"The renewal is an annex of {main.reference} “Pääsopimus”." in confirm
    response = editor_client.post(f"/agreements/{annex.id}/renew")

    assert response.status_code == 302
    [draft] = annex.renewals
    assert draft.main_agreement == main and draft.kind == TemplateKind.ANNEX
    assert events(draft, "agreement.create")[0].details["main_agreement"] == main.reference


def test_an_annex_left_with_the_old_main_agreement_is_renewed_under_the_main_agreements_renewal(
    editor_client, main, make_annex
):
    annex = make_annex(main)
    assert editor_client.post(f"/agreements/{main.id}/renew").status_code == 302
    [main_renewal] = main.renewals

    assert editor_client.post(f"/agreements/{annex.id}/renew").status_code == 302

    [draft] = annex.renewals
    assert draft.main_agreement == main_renewal
    db.session.refresh(annex)
    assert annex.main_agreement == main  # the signed annex itself stays with the agreement in force


def test_an_annex_whose_main_agreement_has_ended_says_why_it_cannot_be_renewed(
    editor_client, main, make_annex, workshop, editor
):
    annex = make_annex(main)
    give_notice(main, workshop, date(2027, 1, 10), "", editor, today=JANUARY_12, keep_annexes=[annex.id])
    db.session.commit()
    reason = "this annex has no main agreement that is still in force or being renewed"

    page = page_text(editor_client.get(f"/agreements/{annex.id}"))
    assert "Renew the agreement" not in page and reason in page

    response = editor_client.post(f"/agreements/{annex.id}/renew")
    assert response.status_code == 409
    page = page_text(response)
    assert f"Renew {annex.reference}?" in page and reason in page and "Make the renewal draft" not in page
    assert annex.renewals == []


def test_annexes_moved_to_a_cancelled_renewal_go_back_to_the_agreement_in_force(
    editor_client, main, make_annex, editor
):
    moved = make_annex(main, title="Siirtyvä liite")
    editor_client.post(f"/agreements/{main.id}/renew", data={"move_annex_ids": [moved.id]})
    [draft] = main.renewals
    db.session.refresh(moved)
    assert moved.main_agreement == draft

    confirm = page_text(editor_client.get(f"/agreements/{draft.id}/cancel"))
    assert f"The annexes that stay in force go back to {main.reference}" in confirm
    assert editor_client.post(f"/agreements/{draft.id}/cancel", data={}).status_code == 302

    db.session.refresh(moved)
    assert draft.status == S.CANCELLED and moved.main_agreement == main and moved.status == S.SIGNED
    (returned,) = events(moved, "agreement.annex_returned")
    assert returned.actor_id == editor.id
    assert returned.details == {"from": draft.reference, "to": main.reference}
    page = page_text(editor_client.get(f"/agreements/{main.id}/renew"))
    assert f"Move {moved.reference} Siirtyvä liite (Signed) to the renewal" in page
