"""Comment round mail in the outbox: the invitation to comment, the round closing and the summary report."""

import pytest
from flask_babel import get_locale

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core import mail
from agreements.core.errors import OperationRefused
from agreements.reviews import operations
from agreements.reviews.models import Resolution
from tests.support.messages import only_mail, take_mail
from tests.support.review_world import round_url
from tests.support.signing import helsinki


@pytest.fixture
def render_locales(monkeypatch) -> dict[str, str]:
    """Recipient address → the locale their mail was rendered in."""
    seen = {}
    render = mail.render_template

    def spy(template, **context):
        seen[context["user"].email] = str(get_locale())
        return render(template, **context)

    monkeypatch.setattr(mail, "render_template", spy)
    return seen


@pytest.fixture
def contact(make_user, workshop):
    """The round's contact person: a viewer of the drafting workshop, in Finnish."""
    return make_user(
        organisation=workshop, role=MembershipRole.VIEWER, name="Kaisa Kontakti", locale=UILanguage.FI
    )


@pytest.fixture
def closing_round(open_round, provider, other_provider, commenter, other_commenter, contact):
    """An open round with its own contact person, both providers invited and the outbox emptied."""
    comment_round = open_round(organisations=[provider, other_provider], contact_person=contact)
    take_mail()
    return comment_round


def comment_on(comment_round, *authors):
    """A comment on the "details" section by each author."""
    return [
        operations.add_comment(comment_round, author, f"Kommentti {n}.", "details")
        for n, author in enumerate(authors)
    ]


# Invitation


def test_opening_a_round_invites_every_active_invitee_once(
    open_round,
    make_user,
    make_network,
    provider,
    other_provider,
    commenter,
    other_commenter,
    drafter,
    workshop,
):
    expert = make_user(name="Erkki Asiantuntija")
    retired = make_user(name="Eläköitynyt Asiantuntija", active=False)
    make_user(organisation=provider, name="Lähtenyt Käyttäjä", active=False)
    make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Toinen Editori")
    network = make_network(region_codes=("04",))  # other_provider's region

    open_round(organisations=[provider], users=[expert, retired, commenter], networks=[network])

    # commenter is invited both personally and through provider; the workshop's own people are not invited
    assert set(take_mail()) == {commenter.email, other_commenter.email, expert.email}


def test_the_invitation_names_the_draft_deadline_and_link(
    open_round, provider, commenter, agreement, drafter
):
    comment_round = open_round(organisations=[provider])

    invitation = only_mail(take_mail(), commenter)
    assert invitation.subject == f"Request for comments: {agreement.title} ({agreement.reference})"
    body = invitation.body_text
    assert body.startswith("Hello Kalle Kommentoija,")
    assert (
        f"Tampereen Työpaja asks for your views on the draft agreement “{agreement.title}” "
        f"({agreement.reference}), version 1." in body
    )
    assert f"Comments are due by {helsinki(comment_round.deadline)} (Finnish time)." in body
    assert "Uusi sopimuspohja." in body and "Onko korvaus sopiva?" in body
    assert f"Contact person: Eeva Editori, {drafter.email}" in body
    assert round_url(comment_round) in body.split()


def test_each_invitation_is_in_the_recipients_language(open_round, make_user, render_locales):
    people = {language: make_user(locale=language) for language in UILanguage}
    open_round(users=list(people.values()))
    assert render_locales == {person.email: language.value for language, person in people.items()}
    assert set(take_mail()) == {person.email for person in people.values()}


# Closing and the summary report


def test_closing_with_unresolved_comments_tells_invitees_and_drafters(
    closing_round, commenter, other_commenter, drafter, contact, agreement
):
    comment_on(closing_round, commenter, other_commenter)
    operations.close_round(closing_round, drafter)

    messages = take_mail()
    assert set(messages) == {commenter.email, other_commenter.email, drafter.email, contact.email}
    closed = only_mail(messages, commenter)
    assert closed.subject == f"Comment round closed: {agreement.title} ({agreement.reference})"
    assert "has closed. Thank you for your views." in closed.body_text
    assert "You will receive the summary report when every comment has one." in closed.body_text
    to_drafter = only_mail(messages, drafter).body_text
    assert f"closed on {helsinki(closing_round.closed_at)}." in to_drafter
    assert "2 comments still need a resolution." in to_drafter
    assert round_url(closing_round) in to_drafter.split()
    assert closing_round.summary_shared_at is None


def test_the_drafters_mail_counts_one_unresolved_comment(closing_round, commenter, other_commenter, drafter):
    first, _second = comment_on(closing_round, commenter, other_commenter)
    operations.resolve_comment(first, Resolution.ACCEPTED, "Hyvä.", drafter)
    operations.close_round(closing_round, drafter)
    assert "One comment still needs a resolution." in only_mail(take_mail(), drafter).body_text


def test_resolving_the_last_comment_after_closing_shares_the_summary(
    closing_round, commenter, other_commenter, drafter, contact, agreement
):
    first, second = comment_on(closing_round, commenter, other_commenter)
    operations.add_comment(closing_round, drafter, "Kiitos.", parent=first)  # a reply needs no resolution
    withdrawn = operations.add_comment(closing_round, commenter, "Peruttu.")
    operations.withdraw_comment(withdrawn, commenter)
    operations.close_round(closing_round, drafter)
    take_mail()

    operations.resolve_comment(first, Resolution.ACCEPTED, "Hyvä.", drafter)
    assert closing_round.summary_shared_at is None and take_mail() == {}

    operations.resolve_comment(second, Resolution.NOT_ACCEPTED, "Ei muuteta.", drafter)
    assert closing_round.summary_shared_at == second.resolved_at
    messages = take_mail()
    assert set(messages) == {commenter.email, other_commenter.email, drafter.email, contact.email}
    summary = only_mail(messages, other_commenter)
    assert summary.subject == f"Summary report: {agreement.title} ({agreement.reference})"
    assert "every comment has been given a resolution" in summary.body_text
    assert round_url(closing_round, "/summary") in summary.body_text.split()


def test_after_the_summary_is_shared_resolutions_are_final(closing_round, commenter, drafter):
    (comment,) = comment_on(closing_round, commenter)
    operations.close_round(closing_round, drafter)
    operations.resolve_comment(comment, Resolution.ACCEPTED, "Hyvä.", drafter)
    take_mail()

    with pytest.raises(OperationRefused, match="The summary report has been shared"):
        operations.resolve_comment(comment, Resolution.NOT_ACCEPTED, "Sittenkin ei.", drafter)
    assert comment.resolution == Resolution.ACCEPTED
    assert take_mail() == {}


def test_resolving_while_the_round_is_open_shares_nothing(closing_round, commenter, drafter):
    (comment,) = comment_on(closing_round, commenter)
    operations.resolve_comment(comment, Resolution.ACCEPTED, "Hyvä.", drafter)
    assert closing_round.summary_shared_at is None and take_mail() == {}


def test_closing_with_every_comment_resolved_shares_the_summary_at_once(
    closing_round, commenter, other_commenter, drafter, contact
):
    for comment in comment_on(closing_round, commenter, other_commenter):
        operations.resolve_comment(comment, Resolution.NOTED, "Tiedoksi.", drafter)
    operations.close_round(closing_round, drafter)

    assert closing_round.summary_shared_at == closing_round.closed_at
    messages = take_mail()
    assert set(messages) == {commenter.email, other_commenter.email, drafter.email, contact.email}
    subjects = {address: [m.subject.split(":")[0] for m in sent] for address, sent in messages.items()}
    # the contact person reads Finnish, the others English
    assert subjects.pop(contact.email) == ["Vastineraportti"]
    assert set(map(tuple, subjects.values())) == {("Summary report",)}


def test_a_round_closing_at_its_deadline_tells_the_same(
    closing_round, commenter, other_commenter, drafter, contact
):
    (comment,) = comment_on(closing_round, commenter)
    after_deadline = closing_round.deadline

    assert operations.close_expired_rounds(after_deadline) == [closing_round]
    messages = take_mail()
    assert set(messages) == {commenter.email, other_commenter.email, drafter.email, contact.email}
    assert only_mail(messages, other_commenter).subject.startswith("Comment round closed:")
    assert "One comment still needs a resolution." in only_mail(messages, drafter).body_text

    operations.resolve_comment(comment, Resolution.ACCEPTED, "Hyvä.", drafter, now=after_deadline)
    assert closing_round.summary_shared_at == after_deadline
    assert only_mail(take_mail(), commenter).subject.startswith("Summary report:")


def test_an_expired_round_without_open_comments_shares_the_summary(closing_round, commenter, drafter):
    assert operations.close_expired_rounds(closing_round.deadline) == [closing_round]
    assert closing_round.summary_shared_at is not None
    assert only_mail(take_mail(), commenter).subject.startswith("Summary report:")
