"""A signed agreement's page reads what it shows in a fixed, small number of SQL statements: its signature
requests with their signatures once (for their list and for the signed section), its annexes with its
renewals (none where the agreement's own query found none), its versions with their approvals, and its
history with its chain's head."""

import pytest

from tests.support.database import counted_statements

#: Queries of the page of a signed agreement with no comment rounds, annexes or approvals: the user and
#: their figures, the agreement with its template, workshop and parties (and whether it has annexes or
#: renewals), its versions with their approvals, each party's terms, rounds, signature requests with their
#: signatures, and the history with its chain's head, and the template's newest version. Before the page read
#: its requests once and its annexes with its renewals, it took 13; before it read the signatures with the
#: requests, the approvals with the versions and no annexes or renewals where there are none, 11.
MOST_STATEMENTS = {"admin": 7, "drafter": 8}


@pytest.mark.parametrize("role", sorted(MOST_STATEMENTS))
def test_a_signed_agreements_page_takes_a_fixed_number_of_statements(
    client, login, completed, drafter, make_user, role
):
    url = f"/agreements/{completed.agreement.id}"
    login(client, drafter if role == "drafter" else make_user(admin=True))
    client.get(url)  # a first look may fill caches
    with counted_statements() as statements:
        page = client.get(url)
    assert page.status_code == 200
    assert "Riitta Rehtori" in page.get_data(as_text=True)  # a signer in the signed agreement's section
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= MOST_STATEMENTS[role], selects
