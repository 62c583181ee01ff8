"""``flask demo`` commands."""

import click
from flask.cli import AppGroup

from agreements.demo.seed import SeedError, SeedReport, seed

demo_cli = AppGroup("demo", help="Demo data.")

#: The shared password of every demo login. For demonstrations only.
DEMO_PASSWORD = "Sopimuspolku-demo-2026"  # noqa: S105 - a published demo password, not a secret


@demo_cli.command("seed")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password for new demo users.")
def seed_command(password: str) -> None:
    """Create demo networks, organisations and one user per role; safe to run again."""
    try:
        report = seed(password)
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_summary(report))
    click.echo(_login_table(report))
    click.echo(f"\nPassword of the demo logins: {password}")
    click.echo("These logins and this password are for the demo only; never use them on a real service.")
    if not all(created for _, created in report.logins):
        click.echo("Logins that already existed keep the password they had.")


def _summary(report: SeedReport) -> str:
    created = report.created
    return (
        f"Demo data: created {created['networks']} networks, {created['workshop']} workshops, "
        f"{created['provider']} education providers and {created['users']} users "
        "(anything that already existed was left as it was)."
    )


def _login_table(report: SeedReport) -> str:
    rows = [("Role", "E-mail", "Organisation or networks", "Status")]
    for user, created in report.logins:
        where = user.organisation or ", ".join(user.networks) or "all"
        rows.append((user.role_label, user.email, where, "created" if created else "existed"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n" + "\n".join(line.rstrip() for line in lines)
