"""The dashboard's cache: a second look reuses the figures, and any recorded change shows at once."""

from sqlalchemy import update

from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.organisations.operations import deactivate_organisation
from tests.support.client import log_in
from tests.support.dashboard import workshops_in_region


def test_a_recorded_change_shows_at_once_and_an_unrecorded_one_only_with_it(client, field, cache_on):
    log_in(client, field["coordinator"])
    assert workshops_in_region(client) == "2"

    # Changed behind the application's back: no audit event, so the cached figure stays.
    db.session.execute(update(Organisation).where(Organisation.id == field["idle"].id).values(active=False))
    db.session.commit()
    assert workshops_in_region(client) == "2"

    deactivate_organisation(field["member"].memberships[0].organisation)  # records an audit event
    db.session.commit()
    assert workshops_in_region(client) == "0"


def test_switched_off_every_look_reads_the_database(client, field):
    log_in(client, field["coordinator"])
    assert workshops_in_region(client) == "2"
    db.session.execute(update(Organisation).where(Organisation.id == field["idle"].id).values(active=False))
    db.session.commit()
    assert workshops_in_region(client) == "1"
