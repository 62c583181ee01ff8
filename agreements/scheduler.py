"""The scheduler process, ``flask scheduler run``: APScheduler 3 runs every domain's SCHEDULE behind a lease.

Web workers never run jobs. One process holds the lease (see ``agreements.core.lease``) and runs the jobs; a
second copy waits as a standby and takes over when the first dies. On taking over, every job runs at once, so
work that fell due while no scheduler ran is caught up; jobs are idempotent, so a repeat sends nothing twice.
"""

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Sized
from datetime import datetime

import click
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from agreements.core.lease import Lease, lease_for
from agreements.core.scheduling import ScheduledJob, collect, register_job_modules
from agreements.core.timeutil import HELSINKI
from agreements.extensions import db, discard_session

log = logging.getLogger(__name__)

#: The modules whose ``SCHEDULE`` the scheduler runs, in the order ``run-once`` runs them: rounds close before
#: reminders are looked for, and mail delivery comes last, so that a run-once delivers what the others queued.
#: Their REMINDERS and DEADLINES are collected in the same order.
JOB_MODULES = (
    "agreements.signatures.jobs",
    "agreements.reviews.jobs",
    "agreements.reminders.jobs",
    "agreements.notifications.jobs",
    "agreements.dashboard.jobs",
    "agreements.core.jobs",
)

#: Seconds before the first retry when the database cannot be reached; the wait doubles each time.
RETRY_FIRST = 1.0

scheduler_cli = AppGroup("scheduler", help="The scheduler process that runs the due work.")


def init_app(app: Flask) -> None:
    """Hand the jobs modules to the app, so the domains' jobs, reminders and deadlines can be collected."""
    register_job_modules(app, JOB_MODULES)


def scheduled_jobs() -> list[ScheduledJob]:
    """Every job of every module in JOB_MODULES, in order."""
    return collect("SCHEDULE")


def build_scheduler(config, jobs: list[ScheduledJob], run_job: Callable, heartbeat: Callable):
    """A BlockingScheduler in Helsinki time: every job due at once, then on its trigger; and a heartbeat."""
    scheduler = BlockingScheduler(
        timezone=HELSINKI,
        job_defaults={
            "coalesce": True,  # a run that comes late runs once, not once per missed time
            "max_instances": 1,
            "misfire_grace_time": int(config["SCHEDULER_MISFIRE_GRACE"] * 3600),
        },
    )
    now = datetime.now(HELSINKI)
    for job in jobs:
        scheduler.add_job(
            run_job, job.trigger, args=(job,), id=job.id, name=job.id, next_run_time=now, **job.trigger_args
        )
    scheduler.add_job(
        heartbeat, "interval", seconds=config["SCHEDULER_LEASE_SECONDS"] / 3, id="scheduler.heartbeat"
    )
    return scheduler


def run_job(app: Flask, lease: Lease, job: ScheduledJob, on_lost: Callable[[], None]) -> bool:
    """Run a job as the lease holder, in an app context: commit and log, or roll back and log; True if ran."""
    with app.app_context():
        if not lease.renew():
            on_lost()
            return False
        started = time.perf_counter()
        try:
            result = job.func()
            db.session.commit()
        except Exception:
            discard_session()  # a plain rollback would fail again on a connection the database dropped
            log.exception("job %s failed", job.id)
            return False
        log.info("job %s: %s in %d ms", job.id, _described(result), (time.perf_counter() - started) * 1000)
        return True


def _first_line(error: Exception) -> str:
    """A database error's first line, for the log (the rest repeats the statement)."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _described(result) -> str:
    """What a job returned, for the log: a count (of a list, too), or "done"."""
    if isinstance(result, Sized):
        return str(len(result))
    return "done" if result is None else str(result)


class SchedulerProcess:
    """A standby until the lease is free, then the leader until the lease is lost, and round again."""

    def __init__(self, app: Flask, lease: Lease, jobs: list[ScheduledJob]):
        self.app, self.lease, self.jobs = app, lease, jobs
        self.scheduler = None
        self.stopping = threading.Event()

    def run(self) -> None:
        """Wait for the lease and lead, round again whenever the lease is lost, until stopped."""
        while self.wait_for_lease():
            self.lead()

    def wait_for_lease(self) -> bool:
        """Poll for the lease, saying once that another scheduler holds it; False when stopped first.

        While the database cannot be reached (or, on SQLite, stays locked), ask again after a wait that
        doubles up to SCHEDULER_RETRY_MAX seconds, and go on as soon as it answers.
        """
        told, retry = False, RETRY_FIRST
        while not self.stopping.is_set():
            try:
                acquired = self.lease.acquire()
            except DBAPIError as error:
                log.warning("database unavailable, asking again in %g s: %s", retry, _first_line(error))
                self.stopping.wait(retry)
                retry = min(retry * 2, self.app.config["SCHEDULER_RETRY_MAX"])
                continue
            if acquired:
                return True
            if not told:
                log.info("standby: another scheduler holds the lease")
                told = True
            retry = RETRY_FIRST
            self.stopping.wait(self.app.config["SCHEDULER_STANDBY_POLL"])
        return False

    def lead(self) -> None:
        """Run the jobs until the lease is lost or the process is stopped; then give the lease up."""
        log.info("lease acquired, running %d jobs", len(self.jobs))
        self.scheduler = build_scheduler(self.app.config, self.jobs, self.run_job, self.heartbeat)
        try:
            self.scheduler.start()
        finally:
            try:
                self.lease.release()
            except (
                DBAPIError
            ) as error:  # unreachable: the lease ends by itself (connection closed, row expires)
                log.warning("could not give the lease up: %s", _first_line(error))

    def stop(self) -> None:
        """Stop for good: leave the standby, or let the running jobs finish and stop the scheduler."""
        self.stopping.set()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            with contextlib.suppress(SchedulerNotRunningError):  # the lease was lost meanwhile
                scheduler.shutdown()

    def run_job(self, job: ScheduledJob) -> None:
        """The scheduled call of one job."""
        run_job(self.app, self.lease, job, self.step_down)

    def heartbeat(self) -> None:
        """Renew the lease between jobs; step down when it is lost."""
        if not self.lease.renew():
            self.step_down()

    def step_down(self) -> None:
        """The lease is lost: stop the scheduler (from a job's thread), and ``lead`` goes back to standby."""
        log.warning("lease lost: stopping the jobs and going back to standby")
        with contextlib.suppress(SchedulerNotRunningError):  # another job's thread got there first
            self.scheduler.shutdown(wait=False)


def _lease() -> Lease:
    return lease_for(db.engine, current_app.config["SCHEDULER_LEASE_SECONDS"])


def _log_to_stderr() -> None:
    """Log each job's outcome to stderr; APScheduler's own lines only when something is wrong."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler process (or wait as a standby while another holds the lease) until stopped."""
    _log_to_stderr()
    process = SchedulerProcess(current_app._get_current_object(), _lease(), scheduled_jobs())
    worker = threading.Thread(target=process.run, name="scheduler")
    # The handler only takes note: stopping happens here, outside it (APScheduler swallows what a handler
    # raises in the middle of its own code). Stopping again until the thread ends closes the gap between
    # taking the lease and the scheduler running.
    signalled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: signalled.append(signum))
    worker.start()
    while worker.is_alive():
        worker.join(timeout=0.5)
        if signalled:
            process.stop()
    if not signalled:
        raise click.ClickException("the scheduler thread ended unexpectedly (see the log above)")
    log.info("scheduler stopped")


@scheduler_cli.command("run-once")
def run_once_command() -> None:
    """Run every job once, in order, then exit: for cron or a manual catch-up. Takes the lease too."""
    _log_to_stderr()
    lease = _lease()
    if not lease.acquire():
        raise click.ClickException("another scheduler holds the lease; no job was run")
    click.echo("Lease acquired; running every job once.")
    try:
        failed = [job.id for job in scheduled_jobs() if not run_job(current_app, lease, job, _lease_lost)]
    finally:
        lease.release()
    if failed:
        raise click.ClickException(f"failed: {', '.join(failed)}")


def _lease_lost() -> None:
    raise click.ClickException("the lease was lost; the remaining jobs were not run")


@scheduler_cli.command("jobs")
def jobs_command() -> None:
    """List the scheduled jobs and their triggers."""
    config = current_app.config
    process = SchedulerProcess(current_app, _lease(), scheduled_jobs())  # the lease is not taken
    scheduler = build_scheduler(config, process.jobs, process.run_job, process.heartbeat)
    grace = config["SCHEDULER_MISFIRE_GRACE"]
    click.echo(f"Times in Europe/Helsinki; a late run still runs (once) within {grace:g} h.")
    for job in scheduler.get_jobs():
        click.echo(f"{job.id:<40} {job.trigger}")
