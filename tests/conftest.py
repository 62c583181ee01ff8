"""Shared fixtures: one migrated database per run, emptied after each test; factories; logged-in clients.

The suite runs on a SQLite file by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
is built by the real migrations, so the tests also prove they run on that database.
"""

import contextlib
import contextvars
import itertools
import os
import re

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect, select

from agreements import create_app
from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.extensions import db, limiter
from agreements.organisations.models import Language, Network, Organisation, OrganisationKind, Region
from config import TestingConfig

PASSWORD = "Pajasopimus-2026!"
#: Tables that hold reference data created by migrations; everything else is emptied between tests.
KEPT_TABLES = {"regions", "alembic_version"}
_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` are deselected, not skipped, when the suite runs on SQLite."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form it posts, unless told not to.

    Each request runs in a fresh context, as on a real server: the test's own app context (and so
    ``g``, the login cache and the database session) is not shared with the request.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is None:  # already isolated, e.g. following a redirect
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test sees what the request committed
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        """Read a token from the language switcher, which every page carries."""
        page = super().get("/login").get_data(as_text=True)
        match = _CSRF_INPUT.search(page)
        if not match:
            page = super().get("/").get_data(as_text=True)
            match = _CSRF_INPUT.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)


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
        _empty_tables()


def _empty_tables() -> None:
    """DELETE, child tables first: far faster than TRUNCATE on PostgreSQL for tables this small."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A browser-like client; tests read the English source texts, so its session asks for English."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["locale"] = "en"
    return test_client


_counter = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def region(code: str = "06") -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


@pytest.fixture
def make_organisation():
    """Factory: an organisation of the given kind in the given region (Pirkanmaa by default)."""

    def make(kind=OrganisationKind.WORKSHOP, region_code="06", name=None, **fields) -> Organisation:
        n = next(_counter)
        organisation = Organisation(
            kind=kind,
            name=name or f"{'Työpaja' if kind == OrganisationKind.WORKSHOP else 'Oppilaitos'} {n}",
            business_id=fields.pop("business_id", "0737546-2"),
            region=region(region_code),
            municipality=fields.pop("municipality", "Tampere"),
            language=fields.pop("language", Language.FI),
            **fields,
        )
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_user():
    """Factory: an active user (English interface unless told) with the test password, roles and networks."""

    def make(organisation=None, role=MembershipRole.EDITOR, admin=False, networks=(), **fields) -> User:
        n = next(_counter)
        user = User(
            email=fields.pop("email", f"user{n}@example.fi"),
            name=fields.pop("name", f"Testi Käyttäjä {n}"),
            locale=fields.pop("locale", UILanguage.EN),
            is_admin=admin,
            **fields,
        )
        if "password_hash" not in fields:
            user.password_hash = _hashed(PASSWORD)
        if organisation is not None:
            user.memberships.append(Membership(organisation=organisation, role=role))
        user.coordinated_networks.extend(networks)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def _hashed(password: str) -> str:
    if password not in _password_hash_cache:
        probe = User(email="x", name="x")
        probe.set_password(password)
        _password_hash_cache[password] = probe.password_hash
    return _password_hash_cache[password]


@pytest.fixture
def make_network():
    """Factory: a network covering the given region codes."""

    def make(name=None, region_codes=("06",)) -> Network:
        network = Network(name=name or f"ALU-verkosto {next(_counter)}")
        network.regions.extend(region(code) for code in region_codes)
        db.session.add(network)
        db.session.commit()
        return network

    return make


@contextlib.contextmanager
def counted_statements():
    """Count the SQL statements run inside the block: the yielded list's length, one entry per statement."""
    statements = []

    def tally(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", tally)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", tally)


def log_in(client, user, password: str = PASSWORD):
    """Log ``user`` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login():
    return log_in


@pytest.fixture
def make_template_version():
    """Factory: a stored template version from the test package (every field type), or a given manifest."""
    from agreements.templates_lib.models import TemplateSource
    from agreements.templates_lib.operations import add_template_version
    from tests.support.template_package import manifest, package

    def make(key="test_template", kind="bilateral", manifest_dict=None):
        version, _created = add_template_version(
            *package(manifest_dict or manifest(key, kind)), TemplateSource.SHIPPED
        )
        db.session.commit()
        return version

    return make


#: Field values for the test package's manifest, as stored in an agreement version.
SAMPLE_VALUES = {
    "instructor": "Maija Ohjaaja",
    "duties": "Perehdytys & työturvallisuus <tärkeä>\nToinen rivi",
    "first_day": "2026-08-10",
    "places": 3,
    "fee": "120.50",
    "billing": "monthly",
    "insured": True,
    "units": [{"name": "Puusepänalan perustutkinto", "students": 2}],
}


@pytest.fixture
def make_agreement(make_template_version, make_organisation):
    """Factory: an agreement with one version, owned by a workshop, with the given providers and status."""
    from datetime import date

    from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion

    def make(
        owner=None,
        providers=(),
        status=AgreementStatus.DRAFT,
        template_version=None,
        created_by=None,
        title="Yhteistyösopimus työelämässä oppimisesta",
        values=None,
        language=Language.FI,
        **dates,
    ):
        owner = owner or make_organisation(kind=OrganisationKind.WORKSHOP)
        providers = list(providers) or [make_organisation(kind=OrganisationKind.PROVIDER)]
        template_version = template_version or make_template_version()
        n = next(_counter)
        header = {
            "title": title,
            "start_date": dates.get("start_date", date(2026, 8, 1)),
            "end_date": dates.get("end_date", date(2027, 7, 31)),
            "notice_period_months": dates.get("notice_period_months", 3),
            "auto_renew": dates.get("auto_renew", False),
        }
        agreement = Agreement(
            reference=f"SOP-2026-{n:04d}",
            status=status,
            template_version=template_version,
            language=language,
            owner=owner,
            created_by_id=created_by.id if created_by else None,
            current_version_number=1,
            parties=[owner, *providers],
            **header,
        )
        agreement.versions.append(
            AgreementVersion(
                number=1,
                created_by_id=created_by.id if created_by else None,
                change_note="",
                party_ids=[owner.id, *(p.id for p in providers)],
                values=dict(SAMPLE_VALUES if values is None else values),
                **header,
            )
        )
        db.session.add(agreement)
        db.session.commit()
        return agreement

    return make
