"""Shared fixtures: one migrated database per run, emptied after each test; factories; logged-in clients.

The suite runs on a SQLite file by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is built by the real migrations, so the tests also prove they run on that database.
"""

import os

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from agreements import create_app
from agreements.accounts.models import MembershipRole
from agreements.extensions import db, limiter
from agreements.organisations.models import OrganisationKind
from config import TestingConfig
from tests.support import database, factories
from tests.support.client import CSRFClient, log_in


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` are deselected, not skipped, when the suite runs on SQLite."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return (
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def app(database_url):
    """The application on a database migrated from empty to head once per run."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        if database_url.startswith("postgresql"):
            # Throwaway test data need not wait for the disk at every commit.
            SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"options": "-c synchronous_commit=off"}}

    application = create_app(Config)
    application.test_client_class = CSRFClient
    with application.app_context():
        if inspect(db.engine).has_table("alembic_version"):
            downgrade(revision="base")
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Give every test an English app context and leave the database as the migrations made it."""
    with app.app_context(), force_locale("en"):
        limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()
        database.empty_tables()


@pytest.fixture
def client(app):
    """A browser-like client; tests read the English source texts, so its session asks for English."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["locale"] = "en"
    return test_client


@pytest.fixture
def login():
    return log_in


@pytest.fixture
def make_organisation():
    """Factory: an organisation of the given kind in the given region (Pirkanmaa by default)."""
    return factories.make_organisation


@pytest.fixture
def make_user():
    """Factory: an active user (English interface unless told) with the test password, roles and networks."""
    return factories.make_user


@pytest.fixture
def make_network():
    """Factory: a network covering the given region codes."""
    return factories.make_network


@pytest.fixture
def make_template_version():
    """Factory: a stored template version from the test package (every field type), or a given manifest."""
    return factories.make_template_version


@pytest.fixture
def make_agreement():
    """Factory: an agreement with one version, owned by a workshop, with the given providers and status."""
    return factories.make_agreement


# The people and the draft most tests start from: a workshop drafting with a provider.


@pytest.fixture
def workshop(make_organisation):
    return make_organisation(kind=OrganisationKind.WORKSHOP, name="Tampereen Työpaja")


@pytest.fixture
def provider(make_organisation):
    return make_organisation(kind=OrganisationKind.PROVIDER, name="Tredu")


@pytest.fixture
def editor(make_user, workshop):
    """An editor of ``workshop``, who drafts its agreements."""
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori")


@pytest.fixture
def drafter(editor):
    """The editor, named for the part they play in comment rounds and signing."""
    return editor


@pytest.fixture
def template_version(make_template_version):
    """The test package (every field type) as a bilateral template."""
    return make_template_version()


@pytest.fixture
def agreement(make_agreement, workshop, provider, template_version, editor):
    """A draft owned by ``workshop`` with ``provider``, saved once by ``editor``."""
    return make_agreement(
        owner=workshop, providers=[provider], template_version=template_version, created_by=editor
    )
