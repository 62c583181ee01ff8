"""The home page: what needs each user now, section by section, in a fixed number of SQL statements."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.mail import MailStatus, OutboxMessage
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reviews import operations as reviews
from agreements.reviews.models import CommentRound
from agreements.signatures import operations as signatures
from tests.support.database import counted_statements
from tests.support.review_world import open_plain_round

SECTIONS = ("signatures", "requests", "resolutions", "in-progress", "deadlines", "failed-mail")


@pytest.fixture
def people(make_organisation, make_user, make_network):
    """A workshop's editor, a provider's signatory, a coordinator of their region and an administrator."""
    workshop = make_organisation(kind=OrganisationKind.WORKSHOP, name="Verstas")
    provider = make_organisation(kind=OrganisationKind.PROVIDER, name="Opisto")
    other_provider = make_organisation(kind=OrganisationKind.PROVIDER, name="Toinen opisto")
    return {
        "workshop": workshop,
        "provider": provider,
        "other_provider": other_provider,
        "commenter": make_user(organisation=other_provider, role=MembershipRole.EDITOR),
        "editor": make_user(organisation=workshop, role=MembershipRole.EDITOR),
        "signatory": make_user(organisation=provider, role=MembershipRole.SIGNATORY),
        "workshop_signatory": make_user(organisation=workshop, role=MembershipRole.SIGNATORY),
        "coordinator": make_user(networks=[make_network(name="ALU Pirkanmaa", region_codes=("06",))]),
        "admin": make_user(admin=True),
    }


def add_work(people, make_agreement, count: int, start: int = 0) -> None:
    """``count`` of each: a request for the signatory's signature, a round asking the providers' views
    with another provider's comment for the editor to resolve, a signed agreement whose notice deadline and
    end come within 90 days, and a mail the editor caused that could not be delivered."""
    workshop, provider = people["workshop"], people["provider"]
    editor, signatory = people["editor"], people["signatory"]
    today = utcnow().astimezone(HELSINKI).date()
    for n in range(start, start + count):
        to_sign = make_agreement(owner=workshop, providers=[provider], created_by=editor, title=f"Sign {n}")
        signatures.send_for_signature(
            to_sign, editor, [(provider, signatory), (workshop, people["workshop_signatory"])]
        )
        draft = make_agreement(owner=workshop, providers=[provider], created_by=editor, title=f"Draft {n}")
        deadline = utcnow() + timedelta(days=10 + n)
        comment_round = open_plain_round(draft, editor, deadline, [provider, people["other_provider"]])
        reviews.add_comment(comment_round, people["commenter"], f"Comment {n}")
        make_agreement(
            owner=workshop,
            providers=[provider],
            status=AgreementStatus.SIGNED,
            title=f"Ending {n}",
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=60 + n),
            notice_period_months=1,
        )
        db.session.add(
            OutboxMessage(
                to_address=f"nobody{n}@example.fi",
                subject=f"Bounced {n}",
                body_text="",
                status=MailStatus.FAILED,
                attempts=5,
                caused_by_id=editor.id,
            )
        )
    db.session.commit()


def section(page: str, key: str) -> str:
    """The HTML of one section of the home page."""
    match = re.search(rf'<section[^>]*id="{key}">(.*?)</section>', page, re.S)
    assert match, key
    return match.group(1)


def links(page: str, key: str) -> list[str]:
    """The texts of the links in a section's list, in order."""
    listed = section(page, key).split('<ul class="list-group">', 1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", listed[1]) if len(listed) == 2 else []


def home(client, login, user) -> str:
    """The home page as ``user`` sees it, logged in afresh."""
    client.post("/logout")
    login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(found: list[str]) -> list[str]:
    """Agreement titles without their references."""
    return [text.split(" (")[0] for text in found]


def test_each_role_sees_exactly_its_own_work(client, login, people, make_agreement):
    add_work(people, make_agreement, 2)

    page = home(client, login, people["signatory"])
    assert titles(links(page, "signatures")) == ["Sign 0", "Sign 1"]
    assert titles(links(page, "requests")) == ["Draft 0", "Draft 1"]  # the nearest deadline first
    assert links(page, "resolutions") == []
    assert sorted(titles(links(page, "in-progress"))) == ["Draft 0", "Draft 1", "Sign 0", "Sign 1"]
    assert "2 signatures are waiting for you." in section(page, "signatures")
    assert "4 agreements are in progress." in section(page, "in-progress")
    deadlines = section(page, "deadlines")
    assert deadlines.count("Comment deadline") == 2
    assert deadlines.count("Last day to give notice") == 2
    assert deadlines.count("Agreement ends") == 2
    assert links(page, "failed-mail") == []
    assert "System" not in page

    page = home(client, login, people["editor"])
    assert links(page, "signatures") == [] and links(page, "requests") == []
    assert titles(links(page, "resolutions")) == ["Draft 0", "Draft 1"]
    assert "2 comments are waiting for your resolution." in section(page, "resolutions")
    assert links(page, "failed-mail") == ["Bounced 1", "Bounced 0"]
    assert "Draft an agreement" not in page  # the section is not empty

    page = home(client, login, people["admin"])
    assert all(links(page, key) == [] for key in SECTIONS)
    assert "2 messages could not be delivered." in page  # the system summary
    assert "The scheduler has not run yet" in page


def test_a_request_answered_for_the_organisation_is_no_longer_listed(client, login, people, make_agreement):
    add_work(people, make_agreement, 2)
    first = db.session.scalars(select(CommentRound).order_by(CommentRound.deadline)).first()
    reviews.answer_no_comments(first, people["provider"], people["signatory"])
    db.session.commit()
    page = home(client, login, people["signatory"])
    assert titles(links(page, "requests")) == ["Draft 1"]
    page = home(client, login, people["commenter"])  # their organisation commented on both
    assert links(page, "requests") == []


def test_empty_sections_say_what_to_do_next(client, login, people, make_user):
    page = home(client, login, people["editor"])
    assert "Nothing is waiting for your signature." in section(page, "signatures")
    assert 'href="/agreements/new">Draft an agreement</a>' in section(page, "in-progress")
    assert "Nothing falls due in the next 90 days." in section(page, "deadlines")

    page = home(client, login, make_user(organisation=people["workshop"], role=MembershipRole.VIEWER))
    assert "None of your organisations' agreements is in progress." in page
    assert "Draft an agreement" not in page  # a viewer cannot draft

    page = home(client, login, people["coordinator"])
    assert "ALU Pirkanmaa" in page
    assert all(f'id="{key}-heading"' in page for key in SECTIONS)


def statements_of_home(client) -> int:
    client.get("/")  # a first look may fill caches
    with counted_statements() as statements:
        assert client.get("/").status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["editor", "signatory", "coordinator", "admin"])
def test_the_page_takes_as_many_statements_with_more_data(client, login, people, make_agreement, role):
    login(client, people[role])
    add_work(people, make_agreement, 1)
    few = statements_of_home(client)
    add_work(people, make_agreement, 11, start=1)
    assert statements_of_home(client) == few
    if role in ("editor", "signatory"):
        assert "Show all (12)" in client.get("/").get_data(as_text=True)
