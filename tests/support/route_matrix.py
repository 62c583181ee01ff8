"""The authorisation matrix: every route × every role with the answer each role must get, and the world of
objects it is asked on. tests/test_authorisation_matrix.py checks the answers; tests/test_fuzz_forms.py
fuzzes each form as a role the matrix lets use it.
"""

from datetime import date, timedelta

from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.mail import OutboxMessage
from agreements.core.timeutil import utcnow
from agreements.drafting.approval import record_approval
from agreements.drafting.registration import Registration, register
from agreements.extensions import db
from agreements.notifications.models import Notification
from agreements.organisations.models import Language, OrganisationKind
from agreements.reviews.operations import add_comment
from agreements.signatures import operations as signing
from agreements.signatures.models import SigningContact, SigningOrder
from agreements.templates_lib.converter import pdf_available
from tests.support.client import log_in
from tests.support.factories import (
    PASSWORD,
    make_agreement,
    make_network,
    make_organisation,
    make_template_version,
    make_user,
)
from tests.support.joining import commitment_manifest
from tests.support.review_world import open_plain_round
from tests.support.signing import docx_bytes, pdf_bytes

ANON, VIEWER, EDITOR, PROVIDER, COORD, OTHER_COORD, ORG_ADMIN, ADMIN = (
    "anonymous",
    "workshop_viewer",
    "workshop_editor",
    "provider_signatory",
    "coordinator",
    "other_coordinator",
    "workshop_administrator",
    "admin",
)
#: Admin last: an allowed POST may change the shared objects, a refused one must not.
ROLES = (ANON, VIEWER, EDITOR, PROVIDER, COORD, OTHER_COORD, ORG_ADMIN, ADMIN)
MEMBERS = (VIEWER, EDITOR, PROVIDER, ORG_ADMIN)
#: Those who manage W's memberships: its organisation administrator and the national administrator.
MEMBER_MANAGERS = (ORG_ADMIN, ADMIN)
EVIDENCE = signing.Evidence(ip="192.0.2.1", user_agent="matrix")


def answers(default: int, anonymous: int = 302, **by_role: int) -> dict[str, int]:
    """Expected status per role: ``default`` for logged-in roles unless named, 302 to login for anonymous."""
    table = {role: default for role in ROLES}
    table[ANON] = anonymous
    table.update(by_role)
    return table


def admin_only(ok: int = 200, refused: int = 403) -> dict[str, int]:
    return answers(refused, **{ADMIN: ok})


def for_roles(roles, ok: int = 200, refused: int = 404, **by_role: int) -> dict[str, int]:
    return answers(refused, **{**dict.fromkeys(roles, ok), **by_role})


EVERYONE_LOGGED_IN = answers(200)
PUBLIC_FORM = answers(302, anonymous=200)  # logged-in users are sent home
TOKEN_PAGE = answers(400, anonymous=400)  # an invalid link is a bad request, explained to anyone
#: Members of any party, coordinators of a party's region and administrators read an agreement.
AGREEMENT_READERS = (*MEMBERS, COORD, ADMIN)
#: Without LibreOffice the PDF page explains that PDF is unavailable (503).
PDF_STATUS = 200 if pdf_available() else 503

#: (endpoint, method) -> expected status per role. Objects: the workshop W in Pirkanmaa (the viewer's and
#: editor's organisation, in the coordinator's network), the coordinator's network, the editor's user page,
#: W's draft agreement with the provider P (version 1), and an open comment round on it to which P is invited,
#: with one comment by P's signatory. For signatures: W's second agreement with P, sent by the editor in
#: parallel to P's signatory and a workshop signatory (not a role here), whose signature ids are P's pending
#: one; and a third, signed by both (P electronically, W on paper): its certificate and paper copy.
MATRIX = {
    ("static", "GET"): answers(200, anonymous=200),
    ("home.index", "GET"): EVERYONE_LOGGED_IN,
    ("home.accessibility_statement", "GET"): answers(200, anonymous=200),  # the law: open to anyone
    ("accounts.set_language", "POST"): answers(302, anonymous=302),
    ("accounts.login", "GET"): PUBLIC_FORM,
    ("accounts.login", "POST"): PUBLIC_FORM,
    ("accounts.logout", "POST"): answers(302),
    ("accounts.profile", "GET"): EVERYONE_LOGGED_IN,
    ("accounts.profile", "POST"): answers(302),  # fields left out keep their values: saved
    ("accounts.change_password", "POST"): EVERYONE_LOGGED_IN,
    ("accounts.forgot_password", "GET"): answers(200, anonymous=200),
    ("accounts.forgot_password", "POST"): answers(200, anonymous=200),  # no address: the form again
    ("accounts.accept_invitation", "GET"): TOKEN_PAGE,
    ("accounts.accept_invitation", "POST"): TOKEN_PAGE,
    ("accounts.reset_password", "GET"): TOKEN_PAGE,
    ("accounts.reset_password", "POST"): TOKEN_PAGE,
    # no login: the secret address stands in for one, so a bad token is 404 for anyone, logged in or not
    ("calendar.feed", "GET"): answers(404, anonymous=404),
    ("calendar.page", "GET"): EVERYONE_LOGGED_IN,
    ("calendar.renew", "GET"): EVERYONE_LOGGED_IN,
    ("calendar.renew", "POST"): answers(302),  # renewed, back to the calendar page
    ("organisations.index", "GET"): answers(403, **{COORD: 200, OTHER_COORD: 200, ADMIN: 200}),
    ("organisations.detail", "GET"): for_roles((VIEWER, EDITOR, COORD, ORG_ADMIN, ADMIN)),
    ("organisations.create", "GET"): admin_only(),
    ("organisations.create", "POST"): admin_only(),
    ("organisations.edit", "GET"): for_roles((ADMIN,)),
    ("organisations.edit", "POST"): for_roles((ADMIN,)),
    ("organisations.deactivate", "GET"): for_roles((ADMIN,)),
    ("organisations.deactivate", "POST"): for_roles((ADMIN,), ok=302),
    ("organisations.reactivate", "GET"): for_roles((ADMIN,)),
    ("organisations.reactivate", "POST"): for_roles((ADMIN,), ok=409),  # W is active: nothing to do
    ("organisations.import_csv", "GET"): admin_only(),
    ("organisations.import_csv", "POST"): admin_only(),
    ("organisations.import_example", "GET"): admin_only(),
    ("organisations.networks", "GET"): answers(403, **{COORD: 200, OTHER_COORD: 200, ADMIN: 200}),
    ("organisations.network_detail", "GET"): for_roles((COORD, ADMIN)),
    ("organisations.network_create", "GET"): admin_only(),
    ("organisations.network_create", "POST"): admin_only(),
    ("organisations.network_edit", "GET"): for_roles((ADMIN,)),
    ("organisations.network_edit", "POST"): for_roles((ADMIN,)),
    ("organisations.network_delete", "GET"): for_roles((ADMIN,)),
    ("organisations.network_delete", "POST"): for_roles((ADMIN,), ok=409),  # it has a coordinator
    # on the membership network M, whose member is W
    ("organisations.network_members_add", "GET"): for_roles((ADMIN,)),
    ("organisations.network_members_add", "POST"): for_roles((ADMIN,)),  # nothing chosen: the page again
    ("organisations.network_member_remove", "GET"): for_roles((ADMIN,)),
    ("organisations.network_member_remove", "POST"): for_roles((ADMIN,), ok=302),
    ("templates_admin.index", "GET"): admin_only(),
    ("templates_admin.detail", "GET"): for_roles((ADMIN,)),
    ("templates_admin.deactivate", "GET"): for_roles((ADMIN,)),
    ("templates_admin.deactivate", "POST"): for_roles((ADMIN,), ok=302),
    ("templates_admin.activate", "GET"): for_roles((ADMIN,)),
    ("templates_admin.activate", "POST"): for_roles((ADMIN,), ok=409),  # the template is already active
    ("templates_admin.download_docx", "GET"): for_roles((ADMIN,)),
    ("templates_admin.download_manifest", "GET"): for_roles((ADMIN,)),
    ("templates_admin.upload", "GET"): admin_only(),
    ("templates_admin.upload", "POST"): admin_only(),  # no files: the form again
    ("members.index", "GET"): for_roles(MEMBER_MANAGERS),
    ("members.add", "GET"): for_roles(MEMBER_MANAGERS),
    ("members.add", "POST"): for_roles(MEMBER_MANAGERS),  # no address: the form again with its errors
    # user_id is W's editor
    ("members.edit", "GET"): for_roles(MEMBER_MANAGERS),
    ("members.edit", "POST"): for_roles(MEMBER_MANAGERS),  # no role ticked: the form again with its errors
    ("members.remove", "GET"): for_roles(MEMBER_MANAGERS),
    # once W's administrator has removed the editor from W, they are nobody W's members page knows
    ("members.remove", "POST"): for_roles(MEMBER_MANAGERS, ok=302, **{ADMIN: 404}),
    ("users_admin.index", "GET"): admin_only(),
    ("users_admin.invitations", "GET"): admin_only(),
    ("users_admin.invite", "GET"): admin_only(),
    ("users_admin.invite", "POST"): admin_only(),
    ("users_admin.detail", "GET"): for_roles((ADMIN,)),
    ("users_admin.edit", "GET"): for_roles((ADMIN,)),
    ("users_admin.edit", "POST"): for_roles((ADMIN,), ok=302),
    ("users_admin.deactivate", "GET"): for_roles((ADMIN,)),
    ("users_admin.deactivate", "POST"): for_roles((ADMIN,), ok=302),
    ("users_admin.reactivate", "GET"): for_roles((ADMIN,)),
    ("users_admin.reactivate", "POST"): for_roles((ADMIN,), ok=409),  # the user is active: nothing to do
    ("users_admin.add_membership", "POST"): for_roles((ADMIN,)),  # no organisation chosen: form again
    ("users_admin.remove_membership", "GET"): for_roles((ADMIN,)),
    ("users_admin.remove_membership", "POST"): for_roles((ADMIN,), ok=302),
    ("users_admin.coordinator_networks", "POST"): for_roles((ADMIN,), ok=302),
    ("users_admin.resend_invitation", "POST"): for_roles((ADMIN,), ok=409),  # the password is already set
    ("mail.outbox", "GET"): admin_only(),
    ("mail.retry", "POST"): for_roles((ADMIN,), ok=409),  # the world's mail is queued, not failed: no retry
    ("mail.mine", "GET"): EVERYONE_LOGGED_IN,
    ("agreements.preview", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.download_docx", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.download_pdf", "GET"): for_roles(AGREEMENT_READERS, ok=PDF_STATUS),
    ("agreements.history", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.compare", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.index", "GET"): EVERYONE_LOGGED_IN,
    ("agreements.export", "GET"): EVERYONE_LOGGED_IN,
    ("agreements.create", "GET"): answers(403, **{EDITOR: 200}),
    ("agreements.create", "POST"): answers(403, **{EDITOR: 200}),  # nothing chosen: the first step again
    ("agreements.detail", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.edit", "GET"): for_roles((EDITOR,)),
    ("agreements.edit", "POST"): for_roles((EDITOR,)),  # an empty form: shown again with its errors
    # on the commitment, whose version 1 is approved already: nothing left to approve
    ("agreements.approve", "GET"): for_roles((EDITOR,), ok=409),
    ("agreements.approve", "POST"): for_roles((EDITOR,)),  # an empty form: shown again with its errors
    ("agreements.approval_attachment", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.register", "GET"): answers(403, **{EDITOR: 200, ADMIN: 200}),
    ("agreements.register", "POST"): answers(403, **{EDITOR: 200, ADMIN: 200}),  # empty: errors shown
    ("agreements.register_bulk", "GET"): answers(403, **{EDITOR: 200, ADMIN: 200}),
    ("agreements.register_bulk", "POST"): answers(403, **{EDITOR: 200, ADMIN: 200}),  # no files: asked for
    ("agreements.register_example", "GET"): answers(403, **{EDITOR: 200, ADMIN: 200}),
    ("agreements.registered_pdf", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.registered_docx", "GET"): for_roles(AGREEMENT_READERS),
    ("agreements.cancel", "GET"): for_roles((EDITOR,)),
    ("agreements.cancel", "POST"): for_roles((EDITOR,), ok=302),
    ("reviews.index", "GET"): EVERYONE_LOGGED_IN,
    ("reviews.open_round", "GET"): for_roles((EDITOR,)),
    ("reviews.open_round", "POST"): for_roles((EDITOR,)),  # an empty form: shown again with its errors
    ("reviews.detail", "GET"): for_roles(AGREEMENT_READERS),
    ("reviews.document", "GET"): for_roles(AGREEMENT_READERS),
    ("reviews.comment", "POST"): for_roles(AGREEMENT_READERS),  # no text: the page again with the error
    # the comment is PROVIDER's own: other readers are refused with the reason
    ("reviews.edit_comment", "GET"): for_roles(AGREEMENT_READERS, ok=409, **{PROVIDER: 200}),
    # a field left out keeps its value, as on the profile page: saved unchanged
    ("reviews.edit_comment", "POST"): for_roles(AGREEMENT_READERS, ok=409, **{PROVIDER: 302}),
    ("reviews.withdraw_comment", "GET"): for_roles(AGREEMENT_READERS, ok=409, **{PROVIDER: 200}),
    # once PROVIDER has withdrawn it, the comment is gone for those after
    ("reviews.withdraw_comment", "POST"): for_roles((VIEWER, EDITOR), ok=409, **{PROVIDER: 302}),
    ("reviews.no_comments", "GET"): for_roles((PROVIDER,)),  # only P is invited
    ("reviews.no_comments", "POST"): for_roles((PROVIDER,), ok=302),
    ("reviews.resolve", "GET"): for_roles((EDITOR,)),
    ("reviews.resolve", "POST"): for_roles((EDITOR,)),  # no resolution chosen: the form again
    ("reviews.close", "GET"): for_roles((EDITOR,)),
    ("reviews.close", "POST"): for_roles((EDITOR,), ok=302),
    # before the round closes and every comment is resolved, only the drafter and administrators
    ("reviews.summary", "GET"): for_roles((EDITOR, ADMIN)),
    ("reviews.summary_docx", "GET"): for_roles((EDITOR, ADMIN)),
    ("reviews.consultation_summary", "GET"): for_roles((EDITOR, ADMIN)),
    ("reviews.consultation_summary_docx", "GET"): for_roles((EDITOR, ADMIN)),
    ("reviews.open_next_phase", "GET"): for_roles((EDITOR,)),
    ("reviews.open_next_phase", "POST"): for_roles((EDITOR,)),  # an empty form: shown again with its errors
    # agreement_id is the first agreement, which is out for comments: only drafts are sent
    ("signatures.send", "GET"): for_roles((EDITOR,), ok=409),
    ("signatures.send", "POST"): for_roles((EDITOR,), ok=409),
    ("signatures.request_detail", "GET"): for_roles(AGREEMENT_READERS),
    ("signatures.document", "GET"): for_roles(AGREEMENT_READERS),
    ("signatures.sign", "GET"): for_roles((PROVIDER,)),  # only the person asked to sign
    ("signatures.sign", "POST"): for_roles((PROVIDER,)),  # no password: the form again
    ("signatures.decline", "GET"): for_roles((PROVIDER,)),
    ("signatures.decline", "POST"): for_roles((PROVIDER,)),  # no reason: the form again
    ("signatures.upload_paper", "GET"): for_roles((EDITOR,)),
    ("signatures.upload_paper", "POST"): for_roles((EDITOR,)),  # no file: the form again
    ("signatures.paper_copy", "GET"): for_roles(AGREEMENT_READERS),
    ("signatures.withdraw", "GET"): for_roles((EDITOR,)),
    ("signatures.withdraw", "POST"): for_roles((EDITOR,)),  # no reason: the form again
    ("signatures.certificate", "GET"): for_roles(AGREEMENT_READERS),
    ("signatures.certificate_file", "GET"): for_roles(AGREEMENT_READERS),
    ("signatures.verify", "GET"): EVERYONE_LOGGED_IN,
    ("signatures.verify", "POST"): EVERYONE_LOGGED_IN,  # no file: the form again
    ("signatures.history", "GET"): for_roles(AGREEMENT_READERS),
    # W's signing contacts: a person outside W who signed for it; its administrators see and remove them
    ("signatures.contacts", "GET"): for_roles(MEMBER_MANAGERS),
    ("signatures.remove_signing_contact", "GET"): for_roles(MEMBER_MANAGERS),
    ("signatures.remove_signing_contact", "POST"): for_roles(MEMBER_MANAGERS, ok=302, **{ADMIN: 404}),
    # the pending signature of P on the second agreement: its drafter replaces or reminds the signer
    ("signatures.replace_signer", "GET"): for_roles((EDITOR,)),
    ("signatures.replace_signer", "POST"): for_roles((EDITOR,)),  # nobody chosen: the form again
    ("signatures.remind", "POST"): for_roles((EDITOR,), ok=302),
    # W's commitment open for joining, P invited: its drafter and national administrators run the joining
    ("signatures.invite", "GET"): for_roles((EDITOR, ADMIN)),
    ("signatures.invite", "POST"): for_roles((EDITOR, ADMIN)),  # nobody chosen: the form again
    ("signatures.close", "GET"): for_roles((EDITOR, ADMIN)),
    ("signatures.close", "POST"): for_roles((EDITOR, ADMIN), ok=302, **{ADMIN: 409}),  # closed by the editor
    ("signatures.withdraw_invitation", "GET"): for_roles((EDITOR, ADMIN)),
    ("signatures.withdraw_invitation", "POST"): for_roles((EDITOR, ADMIN), ok=302, **{ADMIN: 409}),
    ("notifications.index", "GET"): EVERYONE_LOGGED_IN,
    ("notifications.mark_all_read", "POST"): answers(302),
    ("notifications.preferences", "GET"): EVERYONE_LOGGED_IN,
    ("notifications.preferences", "POST"): answers(302),  # fields left out keep their values: saved
    # only the person notified opens a notification: P's invitation to the round
    ("notifications.open_notification", "POST"): for_roles((PROVIDER,), ok=302),
    ("dashboard.index", "GET"): answers(403, **dict.fromkeys((COORD, OTHER_COORD, ADMIN), 200)),
    ("dashboard.export", "GET"): answers(403, **dict.fromkeys((COORD, OTHER_COORD, ADMIN), 200)),
    ("dashboard.listing_page", "GET"): answers(403, **dict.fromkeys((COORD, OTHER_COORD, ADMIN), 200)),
    ("dashboard.listing_export", "GET"): answers(403, **dict.fromkeys((COORD, OTHER_COORD, ADMIN), 200)),
    ("dashboard.print_view", "GET"): answers(403, **dict.fromkeys((COORD, OTHER_COORD, ADMIN), 200)),
    # W's commitment, open for joining: who in the regions has signed it, for coordinators of a party's region
    # and administrators; the rest of the regions invited by those who also run the joining
    ("dashboard.who_signed", "GET"): for_roles((COORD, ADMIN)),
    ("dashboard.who_signed_export", "GET"): for_roles((COORD, ADMIN)),
    ("dashboard.invite_not_invited", "POST"): for_roles((ADMIN,), ok=302),
    # on the signed agreement; an allowed POST makes the renewal draft, records notice or saves the defaults
    ("reminders.renew", "GET"): for_roles((EDITOR,)),
    ("reminders.renew", "POST"): for_roles((EDITOR,), ok=302),
    ("reminders.settings", "GET"): for_roles((EDITOR,)),
    ("reminders.settings", "POST"): for_roles((EDITOR,), ok=302),  # fields left out keep their values
    ("reminders.notice", "GET"): for_roles((EDITOR,)),
    ("reminders.notice", "POST"): for_roles((EDITOR,)),  # no party chosen: the form again with its errors
}

#: Endpoints whose id argument names another object of the world than the argument's own name does.
OTHER_OBJECTS = {
    **{
        endpoint: {"agreement_id": "signed_agreement_id"}
        for endpoint in ("reminders.renew", "reminders.settings", "reminders.notice")
    },
    "signatures.paper_copy": {"signature_id": "paper_signature_id"},
    "organisations.network_members_add": {"network_id": "member_network_id"},
    "organisations.network_member_remove": {"network_id": "member_network_id"},
    "agreements.approve": {"agreement_id": "commitment_id"},
    "agreements.registered_pdf": {"agreement_id": "registered_agreement_id"},
    "agreements.registered_docx": {"agreement_id": "registered_agreement_id"},
    "agreements.approval_attachment": {"agreement_id": "commitment_id"},
    "signatures.certificate": {"request_id": "signed_request_id"},
    "signatures.certificate_file": {"request_id": "signed_request_id"},
    "signatures.invite": {"request_id": "accession_request_id"},
    "signatures.close": {"request_id": "accession_request_id"},
    **{
        endpoint: {"agreement_id": "commitment_id"}
        for endpoint in (
            "dashboard.who_signed",
            "dashboard.who_signed_export",
            "dashboard.invite_not_invited",
        )
    },
}


def build_world():
    """One user per role around the workshop W, and the objects the routes act on: (users, URL values)."""
    workshop = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06")
    provider = make_organisation(kind=OrganisationKind.PROVIDER, region_code="06")
    make_organisation(kind=OrganisationKind.WORKSHOP, region_code="01")
    network = make_network(region_codes=("06",))
    other_network = make_network(region_codes=("01",))
    member_network = make_network(members=[workshop])
    users = {
        VIEWER: make_user(organisation=workshop, role=MembershipRole.VIEWER),
        EDITOR: make_user(organisation=workshop, role=MembershipRole.EDITOR),
        PROVIDER: make_user(organisation=provider, role=MembershipRole.SIGNATORY),
        COORD: make_user(networks=[network]),
        OTHER_COORD: make_user(networks=[other_network]),
        ORG_ADMIN: make_user(organisation=workshop, role=MembershipRole.ADMIN),
        ADMIN: make_user(admin=True),
    }
    target_user = users[EDITOR]
    template_version = make_template_version(key="matrix_template")
    agreement = make_agreement(owner=workshop, providers=[provider], template_version=template_version)
    comment_round = open_plain_round(agreement, users[EDITOR], utcnow() + timedelta(days=7), [provider])
    comment = add_comment(comment_round, users[PROVIDER], "A comment by P.")
    db.session.commit()
    workshop_signatory = make_user(organisation=workshop, role=MembershipRole.SIGNATORY)
    second, third = [
        make_agreement(owner=workshop, providers=[provider], template_version=template_version)
        for _agreement in range(2)
    ]
    signatories = [(provider, users[PROVIDER]), (workshop, workshop_signatory)]
    signing_values = _signatures(second, third, signatories, users)
    commitment = make_agreement(
        owner=workshop,
        providers=[provider],
        template_version=make_template_version(manifest_dict=commitment_manifest("matrix_commitment")),
    )
    signing_values.update(_accession(commitment, provider, users))
    signing_values["registered_agreement_id"] = _registered(workshop, provider, users[EDITOR])
    contact = SigningContact(organisation=workshop, user=make_user(name="Kaisa Kutsuttu"))
    db.session.add(contact)
    db.session.commit()
    signing_values["contact_id"] = contact.id
    url_values = {
        "organisation_id": workshop.id,
        "network_id": network.id,
        "member_network_id": member_network.id,
        "user_id": target_user.id,
        "membership_id": target_user.memberships[0].id,
        "token": "not-a-valid-token",
        "filename": "css/app.css",
        "template_id": template_version.template_id,
        "version_id": template_version.id,
        "language": "fi",
        "agreement_id": agreement.id,
        "number": 1,
        "round_id": comment_round.id,
        "comment_id": comment.id,
        "ext": "docx",
        "key": "regions",
        "fmt": "xlsx",
        "figure": "workshops_without",
        "notification_id": db.session.scalar(
            select(Notification.id)
            .where(Notification.user_id == users[PROVIDER].id)
            .order_by(Notification.id)
        ),
        "message_id": db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id)),
        **signing_values,
    }
    return users, url_values


def _signatures(to_sign, signed_agreement, signatories, users) -> dict:
    """Send one agreement for signature and have the other signed by both; the objects' ids by URL name."""
    pending, signed = (
        signing.send_for_signature(agreement, users[EDITOR], signatories, SigningOrder.PARALLEL)
        for agreement in (to_sign, signed_agreement)
    )
    signing.sign(signed.signatures[0], users[PROVIDER], PASSWORD, users[PROVIDER].name, True, "fi", EVIDENCE)
    signing.upload_paper_copy(signed.signatures[1], users[EDITOR], pdf_bytes())
    db.session.commit()
    return {
        "request_id": pending.id,
        "signature_id": pending.signatures[0].id,
        "signed_request_id": signed.id,
        "signed_agreement_id": signed_agreement.id,
        "paper_signature_id": signed.signatures[1].id,
    }


def _accession(commitment, provider, users) -> dict:
    """Approve the commitment (minutes attached) and open it for joining with P invited; the commitment's,
    the decision's, the request's and P's invitation's ids."""
    decision = record_approval(
        commitment,
        users[EDITOR],
        version_number=1,
        body="TPY:n hallitus",
        decided_on=date(2026, 8, 20),
        minutes_reference="7/2026 § 5",
        attachment=pdf_bytes(),
    )
    request = signing.send_for_signature(commitment, users[EDITOR], [(provider, users[PROVIDER])])
    db.session.commit()
    return {
        "commitment_id": commitment.id,
        "decision": decision.id,
        "accession_request_id": request.id,
        "party_id": request.parties[0].id,
    }


def _registered(workshop, provider, editor) -> int:
    """An agreement of W and P signed outside the service, registered with its PDF and .docx; its id."""
    agreement = register(
        Registration(
            owner=workshop,
            others=[provider],
            kind=None,
            language=Language.FI,
            title="Signed elsewhere",
            start_date=date(2024, 1, 1),
            end_date=None,
            notice_period_months=3,
            auto_renew=False,
            signed_pdf=pdf_bytes(),
            docx=docx_bytes(),
        ),
        editor,
    )
    db.session.commit()
    return agreement.id


def route_url(app, endpoint: str, url_values: dict, names: dict | None = None) -> str:
    """The endpoint's address on the world's objects: each argument's own, or the one ``names`` (by default
    OTHER_OBJECTS) says."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        names = OTHER_OBJECTS.get(endpoint, {}) if names is None else names
        return url_for(endpoint, **{name: url_values[names.get(name, name)] for name in rule.arguments})


def client_as(app, user):
    """A test client logged in as ``user``; anonymous when ``user`` is None."""
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return client
