"""Sopimuspolku: cooperation agreements between youth workshops and vocational education providers."""

import importlib
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from agreements import extensions
from config import DevelopmentConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=DevelopmentConfig) -> Flask:
    """Build the application: configuration, extensions, blueprints and CLI commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    if hasattr(config_class, "init_app"):
        config_class.init_app(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = _psycopg_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config)
    if app.config["PROXY_FIX_HOPS"]:
        # Behind a proxy the client's address, used by the login limits, comes from X-Forwarded-For.
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _connect_receivers()
    _register_job_modules(app)
    return app


#: Modules whose receivers answer the lower packages' signals (agreements/*/signals.py); a receiver connects
#: when its module is imported, so every process imports them here, whatever else it loads.
RECEIVER_MODULES = (
    "agreements.accounts.queries",  # organisations: members and coordinators
    "agreements.accounts.members.views",  # organisations: the members page among an organisation's pages
    "agreements.drafting.queries",  # templates_lib: agreements per template version
    "agreements.reviews.operations",  # drafting: a cancelled agreement's rounds close
    "agreements.reviews.queries",  # drafting: answerable and readable comments
    "agreements.signatures.contact_views",  # organisations: the signing contacts among its pages
    "agreements.signatures.operations",  # drafting: an edit voids the pending request
)


def _psycopg_url(url: str) -> str:
    """Let DATABASE_URL use the common ``postgresql://`` form while the driver is psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(config) -> dict:
    """The engine options, with SQLite's busy timeout: a writer waits for another process's write to end."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["connect_args"] = {
            "timeout": config["SQLITE_BUSY_TIMEOUT"],
            **options.get("connect_args", {}),
        }
    return options


def _init_extensions(app: Flask) -> None:
    from agreements import models  # noqa: F401 - registers every table on the metadata
    from agreements.core import web

    extensions.db.init_app(app)
    extensions.MigrateOnDemand(app, directory=str(ROOT / "migrations"), render_as_batch=True)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.babel.init_app(app, locale_selector=web.select_locale)
    extensions.login_manager.init_app(app)
    web.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from agreements.accounts.admin.views import bp as users_admin_bp
    from agreements.accounts.members.views import bp as members_bp
    from agreements.accounts.views import bp as accounts_bp
    from agreements.core.mail_views import bp as mail_bp
    from agreements.dashboard.views import bp as dashboard_bp
    from agreements.drafting import (  # noqa: F401 - attach routes
        approval_views,
        document_views,
        registration_views,
        views,
    )
    from agreements.drafting.blueprint import bp as agreements_bp
    from agreements.home.views import bp as home_bp
    from agreements.notifications.views import bp as notifications_bp
    from agreements.organisations.views import bp as organisations_bp
    from agreements.reminders.calendar_views import bp as calendar_bp
    from agreements.reminders.views import bp as reminders_bp
    from agreements.reviews import summary_views  # noqa: F401 - attaches its routes to the blueprint
    from agreements.reviews import views as review_views  # noqa: F401 - attaches its routes to the blueprint
    from agreements.reviews.blueprint import bp as reviews_bp
    from agreements.signatures import (  # noqa: F401 - attach their routes
        accession_views,
        certificate_views,
        contact_views,
        signer_views,
    )
    from agreements.signatures import views as signature_views  # noqa: F401 - attaches its routes
    from agreements.signatures.blueprint import bp as signatures_bp
    from agreements.templates_lib.views import bp as templates_admin_bp

    blueprints = (
        home_bp,
        accounts_bp,
        users_admin_bp,
        members_bp,
        organisations_bp,
        templates_admin_bp,
        agreements_bp,
        reviews_bp,
        signatures_bp,
        mail_bp,
        reminders_bp,
        calendar_bp,
        dashboard_bp,
        notifications_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from agreements.core.audit import audit_cli
    from agreements.core.mail import mail_cli
    from agreements.demo.cli import demo_cli
    from agreements.reminders.cli import reminders_cli
    from agreements.reviews.cli import reviews_cli
    from agreements.scheduler import scheduler_cli
    from agreements.templates_lib.cli import templates_cli

    for group in (audit_cli, demo_cli, mail_cli, reminders_cli, reviews_cli, scheduler_cli, templates_cli):
        app.cli.add_command(group)


def _connect_receivers() -> None:
    for name in RECEIVER_MODULES:
        importlib.import_module(name)


def _register_job_modules(app: Flask) -> None:
    from agreements import scheduler

    scheduler.init_app(app)
