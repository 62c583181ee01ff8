"""``flask demo`` commands."""

import sys
from collections import Counter

import click
from flask.cli import AppGroup

from agreements.demo.scales import DEFAULT_SEED, SCALES, GenerateError, GenerateReport, Progress
from agreements.demo.seed import SeedError, SeedReport, seed
from agreements.signatures.queries import latest_request

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
    click.echo(_commitment(report))
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


def _commitment(report: SeedReport) -> str:
    """What became of the demo commitment, and who can still answer it."""
    agreement, outcome = report.commitment
    if agreement is None:
        return f"The demo commitment was not made: {outcome}."
    request = latest_request(agreement)
    answered = Counter(party.status.value for party in request.parties)
    waiting = ", ".join(s.signatory.email for s in request.signatures if s.status.value == "pending")
    return (
        f"Demo commitment {agreement.reference} ({outcome}): {answered['signed']} organisations joined, "
        f"{answered['declined']} declined, {answered['pending']} not answered yet"
        + (f" (its signatory {waiting} can sign it)." if waiting else ".")
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


@demo_cli.command("generate")
@click.option(
    "--scale", type=click.Choice(list(SCALES)), default="tenth", show_default=True, help="How much."
)
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="The same seed gives the same data."
)
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The generated 'today' [default: today]."
)
@click.option(
    "--password", default=DEMO_PASSWORD, show_default=True, help="Password of every generated user."
)
def generate_command(scale: str, seed: int, today, password: str) -> None:
    """Fill an empty database with a realistic data set: organisations, users and years of agreements."""
    from agreements.demo.generate import generate  # thousands of lines that only this command needs

    try:
        report = generate(scale, seed, today.date() if today else None, password, ClickProgress())
    except GenerateError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_generate_summary(report))
    click.echo(f"\nPassword of every generated login: {password} (for demonstrations only).")


class ClickProgress(Progress):
    """A progress bar and a line per finished stage, on standard error."""

    def bar(self, label: str, length: int):
        """click's progress bar, with the position and the time left."""
        return click.progressbar(length=length, label=label, show_pos=True, show_eta=True, file=sys.stderr)

    def stage(self, name: str, rows: int, seconds: float) -> None:
        """One line per stage as it finishes."""
        click.echo(f"{name}: {rows:,} rows in {seconds:.1f} s", err=True)


def _generate_summary(report: GenerateReport) -> str:
    """Rows and seconds per stage, rows per table, agreements per status and logins."""
    lines = ["Stages:"]
    lines += [f"  {name:<12} {rows:>10,} rows  {seconds:8.1f} s" for name, rows, seconds in report.stages]
    rows, seconds = sum(r for _, r, _ in report.stages), sum(s for *_, s in report.stages)
    lines.append(f"  {'total':<12} {rows:>10,} rows  {seconds:8.1f} s")
    lines.append("Rows per table:")
    lines += [f"  {table:<28} {count:>10,}" for table, count in sorted(report.counts.items()) if count]
    lines.append("Agreements per status:")
    lines += [f"  {status:<28} {count:>10,}" for status, count in report.statuses.most_common()]
    lines.append("Logins to try:")
    lines += [f"  {label}: {email}" for label, email in report.logins]
    return "\n".join(lines)
