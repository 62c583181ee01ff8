"""``flask templates`` commands."""

import click
from flask.cli import AppGroup

from agreements import ROOT
from agreements.extensions import db
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.operations import sync_shipped_templates

templates_cli = AppGroup("templates", help="The agreement template library.")


@templates_cli.command("sync")
def sync_command() -> None:
    """Load agreement_templates/ into the database; packages already stored are skipped."""
    try:
        results = sync_shipped_templates(ROOT / "agreement_templates")
    except TemplateRejected as rejected:
        db.session.rollback()
        raise click.ClickException(rejected.message) from rejected
    db.session.commit()
    for key, number, created in results:
        click.echo(f"{key}: version {number} {'added' if created else 'already loaded'}")
