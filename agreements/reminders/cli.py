"""``flask reminders`` commands: the reminders' and renewals' due work, for a manual run or cron."""

import click
from flask.cli import AppGroup

from agreements.extensions import db
from agreements.reminders import jobs

reminders_cli = AppGroup("reminders", help="Reminders and automatic renewals.")


@reminders_cli.command("send")
def send_command() -> None:
    """Send every reminder due and not yet sent: signatures, comment deadlines, agreement dates."""
    queued = jobs.send_reminders()
    db.session.commit()
    click.echo(f"Queued {queued} reminder(s).")


@reminders_cli.command("renew")
def renew_command() -> None:
    """Extend the automatically renewing agreements whose end date has come."""
    renewed = jobs.renew_automatically()
    db.session.commit()
    click.echo(f"Renewed {renewed} agreement(s).")
