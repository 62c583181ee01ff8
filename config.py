"""Configuration classes handed to ``agreements.create_app``.

Every setting can be overridden from the environment; see the README's configuration reference.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """Raised when a configuration cannot run safely."""


def _env_days(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Day counts from an environment variable such as ``"90,30,7"``; an empty value switches them off."""
    value = os.environ.get(name)
    if value is None:
        return default
    return tuple(int(part) for part in value.replace(" ", "").split(",") if part)


def _env_seconds(name: str, default: str) -> tuple[timedelta, ...]:
    """Durations from an environment variable in seconds, such as ``"60,300,900"``."""
    return tuple(
        timedelta(seconds=int(part)) for part in os.environ.get(name, default).split(",") if part.strip()
    )


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024))
    #: The largest request of the bulk registration page (a CSV file and a ZIP file of signed PDFs).
    BULK_REGISTRATION_MAX_BYTES = int(os.environ.get("BULK_REGISTRATION_MAX_BYTES", 200 * 1024 * 1024))

    #: Limits of one document render (see README, Configuration reference): CPU seconds of the rendering
    #: thread, loop steps, and characters of output (also the longest text or list a template may build).
    TEMPLATE_RENDER_CPU_SECONDS = float(os.environ.get("TEMPLATE_RENDER_CPU_SECONDS", 10))
    TEMPLATE_RENDER_MAX_ITERATIONS = int(os.environ.get("TEMPLATE_RENDER_MAX_ITERATIONS", 200_000))
    TEMPLATE_RENDER_MAX_OUTPUT_CHARS = int(os.environ.get("TEMPLATE_RENDER_MAX_OUTPUT_CHARS", 20_000_000))

    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    #: Signed links in invitation and password-reset mails stay valid this long.
    INVITATION_MAX_AGE = timedelta(days=14)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)
    #: Per-IP and per-account limits on login attempts (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT_IP = os.environ.get("LOGIN_RATE_LIMIT_IP", "20 per 5 minutes")
    LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "5 per 15 minutes")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False

    #: How queued mail leaves the outbox: "smtp" to MAIL_SERVER (from the scheduler process), "files" writes
    #: .eml files and logs them (development, straight after the request), "none" keeps it queued.
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "files")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Sopimuspolku <noreply@sopimuspolku.invalid>")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    #: "starttls" (port 587), "tls" (port 465) or "none".
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")
    #: Log in to the mail server only when a username is set.
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    #: Seconds to wait for the mail server to connect, greet and answer each command before the message;
    #: with no greeting in time the delivery run ends and the queue waits for the next run.
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 10))
    #: Seconds to wait for the replies while sending a message, above all the final one after its data
    #: (RFC 5321 advises 10 minutes): a server that stores the mail but answers late must not get it twice.
    MAIL_DATA_TIMEOUT = float(os.environ.get("MAIL_DATA_TIMEOUT", 600))
    #: How long a delivery run holds a message it is sending; another run takes it only after that.
    MAIL_LEASE = timedelta(seconds=int(os.environ.get("MAIL_LEASE", 300)))
    #: Waits before each retry after a temporary failure (4xx, no connection); when used up, the mail fails.
    MAIL_RETRY_DELAYS = _env_seconds("MAIL_RETRY_DELAYS", "60,300,900,3600,14400,43200")
    #: The public address every mailed link is built on (never the Host header of a request).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    #: Where feedback on accessibility goes; the accessibility statement shows it (law 306/2019).
    ACCESSIBILITY_FEEDBACK_EMAIL = os.environ.get(
        "ACCESSIBILITY_FEEDBACK_EMAIL", "saavutettavuus@sopimuspolku.invalid"
    )

    #: Make a PDF of the .docx frozen when an agreement is sent for signature (the scheduler makes it).
    SIGNATURE_PDF = os.environ.get("SIGNATURE_PDF", "true").lower() != "false"
    #: Folder of the PDF converter's kept LibreOffice profiles and their locks (a cache, never state);
    #: empty: sopimuspolku-soffice-<uid> in the temporary folder. See agreements/templates_lib/converter.py.
    PDF_CONVERTER_DIR = os.environ.get("PDF_CONVERTER_DIR", "")
    #: LibreOffice conversions that may run at once on this machine; more wait their turn.
    PDF_CONVERTERS = int(os.environ.get("PDF_CONVERTERS", 1))
    #: Seconds one LibreOffice run may take before it is killed.
    PDF_TIMEOUT = float(os.environ.get("PDF_TIMEOUT", 90))
    #: Seconds a conversion waits for its turn before the download answers "PDF not available".
    PDF_QUEUE_TIMEOUT = float(os.environ.get("PDF_QUEUE_TIMEOUT", 60))

    #: Default reminder days per kind; each agreement may set its own. See agreements/reminders/models.py.
    REMINDER_DAYS = {
        "signature_pending": _env_days("REMINDER_DAYS_SIGNATURE_PENDING", (3, 10, 17, 24)),
        "comment_deadline": _env_days("REMINDER_DAYS_COMMENT_DEADLINE", (3, 1)),
        "notice_deadline": _env_days("REMINDER_DAYS_NOTICE_DEADLINE", (90, 30, 7)),
        "end_of_validity": _env_days("REMINDER_DAYS_END_OF_VALIDITY", (30, 7)),
        "ended_without_renewal": _env_days("REMINDER_DAYS_ENDED", (1,)),
    }
    #: Reminders about dates go out from this hour (Helsinki) of the day they fall due.
    REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", 8))
    #: A reminder found this late (after the scheduler was down) goes into one catch-up summary per person.
    REMINDER_LATE_AFTER = timedelta(hours=int(os.environ.get("REMINDER_LATE_AFTER_HOURS", 48)))

    #: The scheduler process (`flask scheduler run`): a job that comes this many hours late still runs, once.
    SCHEDULER_MISFIRE_GRACE = float(os.environ.get("SCHEDULER_MISFIRE_GRACE", 6))
    #: Lifetime of the scheduler's lease row (databases other than PostgreSQL), renewed every third of it.
    SCHEDULER_LEASE_SECONDS = float(os.environ.get("SCHEDULER_LEASE_SECONDS", 60))
    #: How often a standby scheduler asks whether the lease has become free.
    SCHEDULER_STANDBY_POLL = float(os.environ.get("SCHEDULER_STANDBY_POLL", 10))
    #: While the database is unreachable the scheduler asks again after 1 s, 2 s, 4 s... up to this many.
    SCHEDULER_RETRY_MAX = float(os.environ.get("SCHEDULER_RETRY_MAX", 60))
    #: SQLite only: seconds a statement waits for another process's write to end before "database is locked".
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", 30))

    #: The dashboard's tables are reused this long at most while no change has been recorded; 0: never.
    DASHBOARD_CACHE_SECONDS = float(os.environ.get("DASHBOARD_CACHE_SECONDS", 300))
    #: The dashboard shows the scheduler's count of every region (made each minute when something changed)
    #: while it is at most this old; an older one, or none, and the page counts for itself.
    DASHBOARD_SNAPSHOT_MAX_AGE = float(os.environ.get("DASHBOARD_SNAPSHOT_MAX_AGE", 600))

    PAGE_SIZE = 25
    #: Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", 0))


class DevelopmentConfig(BaseConfig):
    """Local development: SQLite file under instance/, mail to files."""

    DEBUG = True
    SECRET_KEY = BaseConfig.SECRET_KEY or "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = (
        BaseConfig.SQLALCHEMY_DATABASE_URI or f"sqlite:///{INSTANCE_DIR / 'dev.sqlite3'}"
    )


class TestingConfig(BaseConfig):
    """The test suite: SQLite unless TEST_DATABASE_URL names another database; mail stays queued."""

    TESTING = True
    SECRET_KEY = "testing-only"  # noqa: S105 - test default
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"
    )
    MAIL_TRANSPORT = "none"
    RATELIMIT_STORAGE_URI = "memory://"
    #: Cheap hashing keeps the suite fast; verification reads the cost from each hash, so this is test-only.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    SERVER_NAME = None
    #: A LibreOffice start per request sent would add minutes to the suite; the tests of the stored PDF
    #: switch it on for themselves.
    SIGNATURE_PDF = False
    #: Emptied tables hand out the same audit ids again, so a cached dashboard could outlive its data;
    #: the cache's own test switches it on.
    DASHBOARD_CACHE_SECONDS = 0


class ProductionConfig(BaseConfig):
    """Production: refuses to start without SECRET_KEY, DATABASE_URL and BASE_URL; secure cookies."""

    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "smtp")

    @staticmethod
    def init_app(app) -> None:
        """Refuse to run without the settings production cannot guess, then take them from the environment."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "Production configuration refuses to start: missing environment variable(s) "
                + ", ".join(missing)
            )
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        app.config["BASE_URL"] = os.environ["BASE_URL"]
