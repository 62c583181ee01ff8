"""``flask signatures`` commands: the signature requests' due work, for cron or by hand."""

import click
from flask.cli import AppGroup

from agreements.extensions import db
from agreements.signatures import jobs

signatures_cli = AppGroup("signatures", help="Signature requests.")


@signatures_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Queue reminders to signatories whose turn it is: 3 days after it began, then weekly, at most 4."""
    queued = jobs.send_signature_reminders()
    db.session.commit()
    click.echo(f"Queued {queued} signature reminder(s).")
