"""Signature mail in the outbox: the request to sign, a party signed, every party signed, a decline, a
withdrawn request and one voided by an edit."""

import pytest

from agreements.accounts.models import MembershipRole
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder
from tests.support.messages import only_mail, take_mail
from tests.support.signing import edit_agreement, helsinki, pdf_bytes, sign_url, signatures_url


def request_url(request) -> str:
    return signatures_url("signatures.request_detail", request_id=request.id)


@pytest.fixture
def second_editor(make_user, workshop):
    """A second editor of the drafting workshop, who follows its requests too."""
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Toinen Editori")


@pytest.fixture
def bystanders(make_user, workshop, provider):
    """People who hear nothing: a viewer and a departed editor of the workshop, a provider editor."""
    make_user(organisation=workshop, role=MembershipRole.VIEWER, name="Ville Katsoja")
    make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Lähtenyt Editori", active=False)
    make_user(organisation=provider, role=MembershipRole.EDITOR, name="Pekka Provider")


@pytest.fixture
def sent(send, second_editor, bystanders):
    """Factory: send the agreement for signature (provider first) and empty the outbox."""

    def make(order=SigningOrder.PARALLEL):
        request = send(order=order)
        take_mail()
        return request

    return make


# The request to sign


def test_a_parallel_request_asks_every_signatory_at_once(
    send, second_editor, bystanders, provider_signatory, workshop_signatory, agreement
):
    request = send()
    messages = take_mail()
    assert set(messages) == {provider_signatory.email, workshop_signatory.email}

    to_provider = only_mail(messages, provider_signatory)
    assert to_provider.subject == f"Please sign: {agreement.title} ({agreement.reference})"
    body = to_provider.body_text
    assert body.startswith("Hello Riitta Rehtori,")
    assert (
        f"Tampereen Työpaja asks you to sign the agreement “{agreement.title}” ({agreement.reference}) "
        "for Tredu." in body
    )
    assert "Message from the sender:\nAllekirjoitathan pian." in body
    assert sign_url(request.signatures[0]) in body.split()
    assert sign_url(request.signatures[1]) in only_mail(messages, workshop_signatory).body_text.split()


def test_a_sequential_request_asks_the_next_signatory_when_the_one_before_has_signed(
    send, sign, provider_signatory, workshop_signatory, agreement
):
    request = send(order=SigningOrder.SEQUENTIAL)
    first, second = request.signatures
    messages = take_mail()
    assert set(messages) == {provider_signatory.email}
    assert sign_url(first) in only_mail(messages, provider_signatory).body_text.split()

    sign(first)
    turn = only_mail(take_mail(), workshop_signatory)
    assert turn.subject == f"Please sign: {agreement.title} ({agreement.reference})"
    assert "for Tampereen Työpaja." in turn.body_text
    assert sign_url(second) in turn.body_text.split()


# A party signed, every party signed


def test_the_drafting_workshops_editors_hear_that_a_party_signed(
    sent, sign, drafter, second_editor, agreement
):
    request = sent()
    signature = request.signatures[0]
    sign(signature)

    messages = take_mail()
    assert set(messages) == {drafter.email, second_editor.email}
    signed = only_mail(messages, second_editor)
    assert signed.subject == f"Tredu has signed {agreement.reference}"
    assert (
        f"Riitta Rehtori signed the agreement “{agreement.title}” ({agreement.reference}) for Tredu "
        f"on {helsinki(signature.signed_at)}." in signed.body_text
    )
    assert request_url(request) in signed.body_text.split()


def test_a_paper_copy_is_announced_like_a_signature(sent, drafter, second_editor, agreement):
    request = sent()
    operations.upload_paper_copy(request.signatures[0], drafter, pdf_bytes())
    messages = take_mail()
    assert set(messages) == {drafter.email, second_editor.email}
    assert only_mail(messages, drafter).subject == f"Tredu has signed {agreement.reference}"


def test_everyone_hears_once_that_every_party_signed_with_the_link_to_the_documents(
    sent, sign, drafter, second_editor, provider_signatory, workshop_signatory, agreement
):
    request = sent()
    sign(request.signatures[0])
    take_mail()
    sign(request.signatures[1])

    messages = take_mail()
    assert set(messages) == {
        drafter.email,
        second_editor.email,
        provider_signatory.email,
        workshop_signatory.email,
    }
    for person in (drafter, second_editor, provider_signatory, workshop_signatory):
        completed = only_mail(messages, person)
        assert completed.subject == f"Signed by every party: {agreement.title} ({agreement.reference})"
        assert (
            f"Every party has now signed the agreement “{agreement.title}” ({agreement.reference})."
            in completed.body_text
        )
        assert request_url(request) in completed.body_text.split()


# Declined, withdrawn, voided


def test_a_decline_gives_the_drafters_the_reason_and_tells_the_other_signatory(
    sent, drafter, second_editor, provider_signatory, workshop_signatory, agreement
):
    request = sent()
    operations.decline(request.signatures[0], provider_signatory, "Korvaus puuttuu.")

    messages = take_mail()
    assert set(messages) == {drafter.email, second_editor.email, workshop_signatory.email}
    declined = only_mail(messages, drafter)
    assert declined.subject == f"Tredu declined to sign {agreement.reference}"
    assert "Riitta Rehtori declined to sign the agreement" in declined.body_text
    assert "Reason:\nKorvaus puuttuu." in declined.body_text
    assert "the agreement is a draft again" in declined.body_text
    assert request_url(request) in declined.body_text.split()

    told = only_mail(messages, workshop_signatory)
    assert told.subject == f"No signature needed now: {agreement.title} ({agreement.reference})"
    assert "Another party declined to sign the agreement" in told.body_text
    assert "Korvaus puuttuu." not in told.body_text


def test_a_decline_by_the_first_in_a_sequence_is_no_news_to_those_not_yet_asked(
    sent, drafter, second_editor, provider_signatory
):
    request = sent(order=SigningOrder.SEQUENTIAL)
    operations.decline(request.signatures[0], provider_signatory, "Korvaus puuttuu.")
    assert set(take_mail()) == {drafter.email, second_editor.email}


def test_withdrawing_tells_the_signatories_with_the_reason(
    sent, sign, drafter, provider_signatory, workshop_signatory, agreement
):
    request = sent()
    sign(request.signatures[0])
    take_mail()
    operations.withdraw(request, drafter, "Väärä versio lähti.")

    messages = take_mail()
    assert set(messages) == {provider_signatory.email, workshop_signatory.email}
    withdrawn = only_mail(messages, workshop_signatory)
    assert withdrawn.subject == f"No signature needed now: {agreement.title} ({agreement.reference})"
    body = withdrawn.body_text
    assert (
        f"Tampereen Työpaja withdrew the request to sign the agreement “{agreement.title}” "
        f"({agreement.reference})." in body
    )
    assert "Reason: Väärä versio lähti." in body
    assert "If a new version is sent for signature, you will get a new request." in body


def test_withdrawing_a_sequence_tells_only_the_signatories_asked_so_far(sent, drafter, provider_signatory):
    request = sent(order=SigningOrder.SEQUENTIAL)
    operations.withdraw(request, drafter, "Väärä versio lähti.")
    assert set(take_mail()) == {provider_signatory.email}


def test_an_edit_after_sending_tells_the_signatories_their_signatures_are_void(
    sent, sign, agreement, drafter, provider_signatory, workshop_signatory
):
    request = sent(order=SigningOrder.SEQUENTIAL)
    sign(request.signatures[0])
    take_mail()
    sent_title = agreement.title
    edit_agreement(agreement, drafter)

    messages = take_mail()
    assert set(messages) == {provider_signatory.email, workshop_signatory.email}
    voided = only_mail(messages, provider_signatory)
    assert voided.subject == f"No signature needed now: {sent_title} ({agreement.reference})"
    assert (
        "was changed after it was sent for signature, so the request and any signatures given on it are void."
        in voided.body_text
    )
    assert "Reason:" not in voided.body_text
