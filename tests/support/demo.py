"""The generated demo data set as the demo tests use it: the day it is generated for, and the templates."""

from datetime import date

from sqlalchemy import func, select

from agreements import ROOT
from agreements.demo.generate import generate
from agreements.extensions import db
from agreements.templates_lib.operations import sync_shipped_templates
from tests.support.factories import PASSWORD

#: The generated "today" of the demo tests' data sets.
TODAY = date(2026, 3, 10)
#: The seed of the data set the demo tests share.
SEED = 7


def synced() -> None:
    """The shipped templates, as `flask templates sync` leaves them, committed."""
    sync_shipped_templates(ROOT / "agreement_templates")
    db.session.commit()


def generate_small(seed: int = SEED):
    """`flask demo generate --scale small` on TODAY with the test password; returns its report."""
    return generate("small", seed=seed, today=TODAY, password=PASSWORD)


def count(model, *where) -> int:
    """How many rows of ``model`` match ``where``."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
