"""An agreement's page takes as many SQL statements for an agreement with many versions, parties, comments and
history events as for one with one of each: nothing on it is read once per version, party, comment or event.
"""

from datetime import timedelta

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reviews import operations as reviews
from agreements.reviews.models import RoundVisibility
from tests.support.database import counted_statements
from tests.support.review_world import save_next_version


@pytest.fixture
def people(make_organisation, make_user, make_network, editor, workshop):
    """The drafting workshop's editor, a provider's person who comments, a coordinator of their region and
    an administrator."""
    provider = make_organisation(kind=OrganisationKind.PROVIDER, name="Kommentoiva opisto")
    return {
        "editor": editor,
        "provider": provider,
        "commenter": make_user(organisation=provider, role=MembershipRole.EDITOR),
        "coordinator": make_user(networks=[make_network(name="ALU Pirkanmaa", region_codes=("06",))]),
        "admin": make_user(admin=True),
    }


def agreement_with(people, make_agreement, make_organisation, workshop, size: int):
    """A draft with ``size`` providers, versions and comments (and their history events), out for comments."""
    providers = [make_organisation(kind=OrganisationKind.PROVIDER) for _ in range(size)]
    agreement = make_agreement(owner=workshop, providers=providers, created_by=people["editor"])
    text_key = next(key for key, value in agreement.latest_version.values.items() if isinstance(value, str))
    for number in range(size - 1):
        save_next_version(agreement, people["editor"], **{text_key: f"Versio {number + 2}"})
    comment_round = reviews.open_round(
        agreement,
        agreement.latest_version,
        people["editor"],
        utcnow() + timedelta(days=14),
        contact_person=None,
        background="",
        questions="",
        sections=(),
        visibility=RoundVisibility.DRAFTER_ONLY,
        organisations=[people["provider"]],
    )
    for number in range(size):
        comment = reviews.add_comment(comment_round, people["commenter"], f"Kommentti {number}")
        reviews.add_comment(comment_round, people["editor"], f"Vastaus {number}", parent=comment)
    db.session.commit()
    return agreement


def statements_of_page(client, agreement) -> int:
    client.get(f"/agreements/{agreement.id}")  # a first look may fill caches
    with counted_statements() as statements:
        assert client.get(f"/agreements/{agreement.id}").status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["editor", "coordinator", "admin"])
def test_the_page_takes_as_many_statements_with_more_data(
    client, login, people, make_agreement, make_organisation, workshop, role
):
    small = agreement_with(people, make_agreement, make_organisation, workshop, 1)
    large = agreement_with(people, make_agreement, make_organisation, workshop, 4)
    assert len(large.versions) == 4 and len(large.parties) == 5
    login(client, people[role])
    assert statements_of_page(client, large) == statements_of_page(client, small)
    page = client.get(f"/agreements/{large.id}").get_data(as_text=True)
    assert "Versio 4" in page and "Version 4" in page


def test_the_agreement_is_read_in_one_row_and_its_parties_beside_their_terms(
    client, login, people, make_agreement, make_organisation, workshop
):
    """Joined to the agreement's query, every party repeated the template version's manifest."""
    agreement = agreement_with(people, make_agreement, make_organisation, workshop, 4)
    login(client, people["coordinator"])
    client.get(f"/agreements/{agreement.id}")
    with counted_statements() as statements:
        page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    (own,) = [statement for statement in statements if ".manifest" in statement]
    assert "agreement_parties" not in own
    assert sum("agreement_parties.left_on" in s and "organisations.name" in s for s in statements) == 1
    assert all(party.name in page for party in agreement.parties)
