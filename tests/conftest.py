"""Shared fixtures: one migrated database per run, each test rolled back; factories; logged-in clients.

The suite runs on a SQLite file by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is built by the real migrations, so the tests also prove they run on that database. How a test's data
goes away again (rolled back, or deleted for tests marked ``committing``) is in tests/support/database.py.
"""

import contextlib
import functools
import os

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect

from agreements import create_app
from agreements.accounts.models import MembershipRole
from agreements.dashboard import cache
from agreements.extensions import db, limiter
from agreements.organisations.models import OrganisationKind
from config import TestingConfig
from tests.support import database, factories
from tests.support.client import CSRFClient, log_in


def pytest_collection_modifyitems(config, items):
    """Tests marked for the other database (``postgresql`` or ``sqlite``) are deselected, not skipped."""
    other = "sqlite" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "postgresql"
    kept = [item for item in items if item.get_closest_marker(other) is None]
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
            SQLALCHEMY_ENGINE_OPTIONS = {
                **TestingConfig.SQLALCHEMY_ENGINE_OPTIONS,
                "connect_args": {"options": "-c synchronous_commit=off"},
            }

    application = create_app(Config)
    application.test_client_class = CSRFClient
    database.install_session()
    with application.app_context():
        if inspect(db.engine).has_table("alembic_version"):
            downgrade(revision="base")
        upgrade()
        if db.engine.dialect.name == "sqlite":
            # Nor need SQLite's commits (those of the tests marked committing) wait for the disk.
            event.listen(db.engine, "connect", _unsynchronised)
            db.engine.dispose()
        database.guard_engine(db.engine)
    return application


def _unsynchronised(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous = OFF")


@contextlib.contextmanager
def _test_context(app):
    """An app context reading English, as tests and their fixtures run in."""
    with app.app_context(), force_locale("en"):
        yield


@pytest.fixture(autouse=True)
def _database(request, app):
    """Give every test an English app context and leave the database as the migrations made it.

    Rolled back, unless the test is marked ``committing``: then its rows are deleted afterwards.
    """
    committing = request.node.get_closest_marker("committing") is not None
    shared = "shared_transaction" in request.fixturenames
    if database.in_shared_transaction() and (committing or not shared):
        pytest.fail(
            f"{request.node.nodeid} runs while its module's shared world is set up: tests that do not "
            "use it (and committing ones) belong before those that do, or in another module",
            pytrace=False,
        )
    with _test_context(app):
        limiter.reset()
        scope = contextlib.nullcontext() if committing else database.rolled_back(db.engine)
        with scope:
            yield
            db.session.rollback()
            db.session.remove()
        if committing:
            database.empty_tables()
        elif not shared:
            _fail_on_rows_left(request.node.nodeid)


def _fail_on_rows_left(what: str) -> None:
    """The safety net of rolled-back tests: nothing they did may outlive them."""
    left = database.tables_with_rows()
    if left:
        database.empty_tables()
        pytest.fail(
            f"{what} left rows in {', '.join(left)} although it was rolled back: something committed "
            "outside the test's transaction; mark the test committing if that is what it must do",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def shared_transaction(request, app):
    """One transaction for the module: what its module fixtures commit, its tests share, each test
    rolled back to a savepoint taken after them. Tests that use it must come after those that do not.

    Yields a function that gives the app context (English) for a module fixture to build its world in.
    """
    with _test_context(app):
        engine = db.engine
    with database.outer_transaction(engine):
        yield functools.partial(_test_context, app)
    with _test_context(app):
        _fail_on_rows_left(request.node.nodeid)


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


@pytest.fixture
def admin(make_user):
    """A national administrator."""
    return make_user(admin=True, name="Anna Ylläpitäjä")


@pytest.fixture
def admin_client(client, admin, login):
    """The client, logged in as ``admin``."""
    login(client, admin)
    return client


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


@pytest.fixture
def cache_on(app):
    """The dashboard's cache as in production, emptied before and after."""
    app.config["DASHBOARD_CACHE_SECONDS"] = 300
    cache.clear()
    yield
    cache.clear()
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
