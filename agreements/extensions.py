"""Flask extensions, created without an app and bound in ``create_app``."""

import click
from flask import g
from flask.cli import with_appcontext
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

#: Named constraints, so Alembic batch mode on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class MigrateOnDemand:
    """``app.extensions["migrate"]`` until something reads it — a ``flask db`` command or
    ``flask_migrate.upgrade()``: then Flask-Migrate is set up for the app (``Migrate(app, db, **options)``),
    takes its place and answers. Flask-Migrate brings Alembic and Mako (some 11 MiB); a web worker, which
    never migrates, does not load them. ``flask db`` is a group whose commands load when it is used."""

    def __init__(self, app, **options) -> None:
        self._app, self._options = app, options
        app.extensions["migrate"] = self
        app.cli.add_command(migration_commands, "db")

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy, pickle and the like ask for these: not Flask-Migrate's
            raise AttributeError(name)
        from flask_migrate import Migrate

        if self._app.extensions.get("migrate") is self:
            Migrate(self._app, db, **self._options)
        return getattr(self._app.extensions["migrate"], name)


class _MigrationCommands(click.Group):
    """Flask-Migrate's ``flask db`` commands, imported when the group lists or runs one."""

    def list_commands(self, ctx) -> list[str]:
        return _migration_commands().list_commands(ctx)

    def get_command(self, ctx, cmd_name: str):
        return _migration_commands().get_command(ctx, cmd_name)


def _migration_commands() -> click.Group:
    from flask_migrate.cli import db as commands

    return commands


@click.group(cls=_MigrationCommands)
@click.option("-d", "--directory", default=None, help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def migration_commands(directory, x_arg):
    """Perform database migrations."""
    g.directory, g.x_arg = directory, x_arg  # as in Flask-Migrate's own group: its commands read them


def discard_session() -> None:
    """End ``db.session``'s transaction without trusting its connection: the rollback a dead connection
    cannot do is given up, and the pool hands the next use a fresh, checked one (pool_pre_ping).

    Closing keeps what the session had loaded and expires nothing, so it can still be read.
    """
    try:
        db.session.close()
    except DBAPIError:
        db.session.invalidate()
