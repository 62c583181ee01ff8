"""``flask templates`` commands."""

from pathlib import Path

import click
from flask.cli import AppGroup

from agreements.extensions import db
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.operations import sync_shipped_templates

#: The templates shipped with the service, in the repository beside the package.
SHIPPED_FOLDER = Path(__file__).resolve().parents[2] / "agreement_templates"

templates_cli = AppGroup("templates", help="The agreement template library.")


@templates_cli.command("sync")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SHIPPED_FOLDER,
    show_default=True,
    help="Folder with one sub-folder (manifest.json, fi.docx, sv.docx) per template.",
)
def sync_command(folder: Path) -> None:
    """Load agreement_templates/ into the database; packages already stored are skipped."""
    try:
        results = sync_shipped_templates(folder)
    except TemplateRejected as rejected:
        db.session.rollback()
        raise click.ClickException(rejected.message) from rejected
    db.session.commit()
    if not results:
        click.echo(f"No template folders (with a manifest.json) in {folder}")
    for key, number, created in results:
        click.echo(f"{key}: version {number} {'added' if created else 'already loaded'}")
