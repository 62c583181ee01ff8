"""The bare page the page benchmarks are measured against: Flask + SQLAlchemy, one indexed 25-row query.

It answers ``GET /`` with the 25 newest agreements by id (the primary key's index serves the order and the
limit) rendered by a trivial template, on the same database as the app, with the app's engine options; it
imports nothing of the service, so its cost and its workers' memory are those of the framework alone.
``bench/pages.py --bare`` calls it in the same process as the app; ``bench/load.py`` serves it with
gunicorn beside the app, as:

    DATABASE_URL=postgresql://… .venv/bin/gunicorn -w 2 --chdir bench 'bare_app:create_app()'
"""

import os
from datetime import date

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The page's path.
PATH = "/"

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agreements</title></head>
<body><h1>Agreements</h1><table>
<tr><th>Reference</th><th>Title</th><th>Status</th><th>Start</th><th>End</th></tr>
{% for agreement in agreements %}<tr><td>{{ agreement.reference }}</td><td>{{ agreement.title }}</td>
<td>{{ agreement.status }}</td><td>{{ agreement.start_date }}</td><td>{{ agreement.end_date or "" }}</td></tr>
{% endfor %}</table></body></html>
"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Agreement(db.Model):
    """The columns of the app's agreements table that the bare page shows."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


def driver_url(url: str) -> str:
    """``url`` with the psycopg 3 driver named, as the app reads DATABASE_URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_app(url: str | None = None, engine_options: dict | None = None) -> Flask:
    """The bare app on the database at ``url`` (default: DATABASE_URL), with the app's engine options."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = driver_url(url or os.environ["DATABASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options or {"pool_pre_ping": True}
    db.init_app(app)

    @app.get(PATH)
    def index():
        """The 25 newest agreements by id, in a table."""
        agreements = db.session.scalars(select(Agreement).order_by(Agreement.id.desc()).limit(25)).all()
        return render_template_string(TEMPLATE, agreements=agreements)

    return app
