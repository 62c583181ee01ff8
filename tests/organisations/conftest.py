"""Fixtures for the organisation and network tests: people in each role, logged in (the administrator's
client, ``admin_client``, comes from tests/conftest.py)."""

import pytest

from agreements.accounts.models import MembershipRole, UILanguage
from tests.support.client import log_in

#: Tests read the pages in English, the source language, so they do not depend on the translations.
EN = UILanguage.EN


@pytest.fixture
def pirkanmaa_network(make_network):
    """A network covering Pirkanmaa (06) and Keski-Suomi (13)."""
    return make_network(name="ALU Länsi", region_codes=("06", "13"))


@pytest.fixture
def coordinator(make_user, pirkanmaa_network):
    return make_user(networks=[pirkanmaa_network], name="Kaisa Koordinaattori", locale=EN)


@pytest.fixture
def coordinator_client(client, coordinator):
    """A client logged in as the coordinator of the Pirkanmaa network."""
    log_in(client, coordinator)
    return client


@pytest.fixture
def member_client(client, make_user, make_organisation):
    """A client logged in as an editor of a workshop in Pirkanmaa; the workshop is ``client.organisation``."""
    workshop = make_organisation(name="Oma Työpaja")
    log_in(
        client, make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eero Editori", locale=EN)
    )
    client.organisation = workshop
    return client
