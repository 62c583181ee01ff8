"""``flask reviews`` commands: the rounds' due work, for cron or by hand (the scheduler runs the same)."""

import click
from flask.cli import AppGroup

from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.reviews import jobs

reviews_cli = AppGroup("reviews", help="Comment rounds.")


@reviews_cli.command("close-expired")
def close_expired_command() -> None:
    """Close every comment round whose deadline has passed."""
    closed = jobs.close_expired_rounds()
    db.session.commit()
    if not closed:
        click.echo("No comment rounds past their deadline.")
    for comment_round in closed:
        deadline = comment_round.deadline.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M")
        click.echo(
            f"Closed round {comment_round.id} on {comment_round.agreement.reference} (deadline {deadline})"
        )


@reviews_cli.command("send-digests")
def send_digests_command() -> None:
    """Queue one digest of new comments per drafter and round."""
    queued = jobs.send_comment_digests()
    db.session.commit()
    click.echo(f"Queued {queued} comment digest(s).")
