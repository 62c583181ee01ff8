"""Request-wide wiring: locale, login settings, error pages, template helpers, security headers."""

import io
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import Conflict, HTTPException, RequestEntityTooLarge, ServiceUnavailable
from werkzeug.routing import IntegerConverter

from agreements.core.access import MAX_ID
from agreements.core.errors import OperationRefused
from agreements.core.forms import error_summary
from agreements.core.i18n import install_template_gettext
from agreements.core.kept import KeptFragments
from agreements.core.mail import deliver_after_request
from agreements.core.urls import is_safe_local_path
from agreements.extensions import db, discard_session, login_manager

#: Titles and explanations of the error pages, by status code.
ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do that.")),
    404: (_l("Page not found"), _l("The page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("That action is not possible on this page.")),
    409: (_l("Conflict"), _l("That action is not possible in the current state.")),
    413: (_l("File too large"), _l("The file you sent is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; try again later."),
    ),
    503: (
        _l("Service temporarily unavailable"),
        _l("The service could not reach its database. Nothing was saved; wait a moment and try again."),
    ),
}


def select_locale() -> str:
    """The user's saved language, else the one chosen this session, else Finnish."""
    if current_user and current_user.is_authenticated:
        return current_user.locale.value
    return session.get("locale", "fi") if has_request_context() else "fi"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    """The time zone of that name as the standard library keeps it: converting with it costs a tenth of
    Babel's pytz zone, for the same rules."""
    return ZoneInfo(name)


def local_time(value: datetime) -> datetime:
    """A time in the user's time zone (a naive one is UTC), as Flask-Babel's ``to_user_timezone``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(get_timezone().zone))


def format_day(value) -> str:
    """A calendar date as the pages show it, d.M.yyyy in every language (a time: its day in the user's time
    zone), as Babel writes that pattern, without Babel's cost per value; "" for none."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return f"{value.day}.{value.month}.{value.year:04d}"


def format_moment(value) -> str:
    """A time as the pages show it, d.M.yyyy HH.mm in the user's time zone in every language, as Babel
    writes that pattern, without Babel's cost per value; "" for none."""
    if not value:
        return ""
    local = local_time(value)
    return f"{local.day}.{local.month}.{local.year:04d} {local.hour:02d}.{local.minute:02d}"


class StorableIntConverter(IntegerConverter):
    """``<int:…>`` in every address: an id or a number that a database column can hold. A larger number
    matches no route (404) instead of reaching a query, where PostgreSQL's int4 and int8 overflow."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Attach login loading, error handlers, filters and headers to ``app``."""
    app.url_map.converters["int"] = StorableIntConverter  # before any blueprint adds its routes
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    for code in ERROR_TEXTS:
        app.register_error_handler(code, render_error)
    app.register_error_handler(OperationRefused, _operation_refused)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DBAPIError, _database_unavailable)

    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = format_moment
    install_template_gettext(app.jinja_env)  # after Flask-Babel's own
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.add_extension(KeptFragments)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["error_summary"] = error_summary
    # Runs before every before_request function, so before the CSRF check reads (and limits) the body.
    app.url_value_preprocessor(_own_body_limit)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.teardown_request(deliver_after_request)


#: Pages beyond this are empty anyway; a larger number would overflow the database's OFFSET.
LAST_PAGE = MAX_ID


class RowPagination(SelectPagination):
    """One page of a query that selects several things, as whole rows (Flask-SQLAlchemy keeps the first)."""

    def _query_items(self) -> list:
        page = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(page))


def paginate(query, per_page: int | None = None, whole_rows: bool = False) -> SelectPagination:
    """One page of ``query``, every list's: the page number from the address (any number answers a page),
    the configured page size unless ``per_page``; its items whole rows when ``whole_rows``."""
    arguments = {
        "page": min(request.args.get("page", 1, type=int), LAST_PAGE),
        "per_page": per_page or current_app.config["PAGE_SIZE"],
        "error_out": False,
    }
    if whole_rows:
        return RowPagination(select=query, session=db.session(), **arguments)
    return db.paginate(query, **arguments)


def page_url(endpoint: str, page: int) -> str:
    """The current list's address on another page: same path and query string, only ``page`` changed."""
    args = request.args.copy()
    args["page"] = str(page)
    return f"{url_for(endpoint, **request.view_args)}?{urlencode(list(args.items(multi=True)))}"


def render_error(error, message: str | None = None):
    """Render the error page for an HTTP error in the user's language."""
    code = error.code if isinstance(error, HTTPException) else 500
    if code == 500:
        db.session.rollback()
    title, explanation = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    page = render_template(
        "errors/error.html", code=code, title=title, message=message or explanation, back=_previous_page()
    )
    return page, code


def _previous_page() -> str | None:
    """The page of this site the user came from, as a local path, for the error page's link back."""
    came_from = urlsplit(request.referrer or "")
    if (came_from.scheme, came_from.netloc) != urlsplit(request.host_url)[:2]:
        return None
    path = urlunsplit(("", "", came_from.path, came_from.query, ""))
    return path if is_safe_local_path(path) else None


def _operation_refused(error: OperationRefused):
    db.session.rollback()
    return render_error(Conflict(), error.message)


def _database_unavailable(error: DBAPIError):
    """A lost or unreachable database answers the translated 503 page; any other database error is a 500."""
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        raise error
    current_app.logger.warning("Database unavailable during %s %s: %s", request.method, request.path, error)
    discard_session()
    _reload_user_or_forget()
    return render_error(ServiceUnavailable())


def _reload_user_or_forget() -> None:
    """Load the user again on a fresh connection for the error page (their language, their menu); while
    the database stays away the page is shown as to a visitor instead."""
    g.pop("_login_user", None)
    try:
        if current_user.is_authenticated:
            current_user.locale  # noqa: B018 - loads the user's row now, not while the page renders
    except DBAPIError:
        discard_session()
        g._login_user = login_manager.anonymous_user()


def _csrf_error(error: CSRFError):
    return render_error(
        error, str(_l("The form expired or was sent from elsewhere. Reload the page and try again."))
    )


def body_limit(setting: str):
    """Let a view take a request body of up to ``config[setting]`` bytes instead of MAX_CONTENT_LENGTH."""

    def mark(view):
        view.body_limit_setting = setting
        return view

    return mark


def _own_body_limit(endpoint: str | None, values: dict | None) -> None:
    """Give the request the body limit of its view, when the view has one of its own (``body_limit``)."""
    setting = getattr(current_app.view_functions.get(endpoint), "body_limit_setting", None)
    if setting is not None:
        request.max_content_length = current_app.config[setting]


def _too_large(error: RequestEntityTooLarge):
    """The 413 page, saying how much this page takes at once."""
    limit = request.max_content_length
    if not limit:
        return render_error(error)
    megabytes = max(limit // (1024 * 1024), 1)
    return render_error(
        error,
        str(
            _l(
                "You sent more than this page takes at once: at most %(size)s MB of files together. "
                "Send smaller files, or fewer at a time.",
                size=megabytes,
            )
        ),
    )


def _refuse_nul_characters() -> None:
    """A NUL character in a form or query value is bad input: PostgreSQL cannot compare or store it."""
    if any("\x00" in value for values in request.values.listvalues() for value in values):
        abort(400)


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
    )
    if request.endpoint and request.endpoint.startswith(("accounts.", "users_admin.", "members.")):
        response.headers["Cache-Control"] = "no-store"
    return response


#: CSV files are written in UTF-8 (with a BOM, for Excel).
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def send_download(data: bytes, media_type: str, filename: str, etag: str | None = None):
    """Bytes as a private, uncached attachment named ``filename`` (RFC 6266, with an ASCII fallback).

    The Content-Type is ``media_type`` exactly: Werkzeug would add a second ``charset`` to a text type that
    names one, and a charset of its own choosing to one that does not. With ``etag`` (e.g. the bytes'
    SHA-256) the answer carries it, and a request naming it in If-None-Match gets a 304 without the bytes.
    """
    response = send_file(
        io.BytesIO(data), mimetype=media_type, as_attachment=True, download_name=filename, etag=etag or False
    )
    return _private(response, media_type)


def send_stream(pieces: Iterable[bytes], media_type: str, filename: str):
    """Pieces of a file, sent as they come, as a private, uncached attachment named ``filename`` (as
    ``send_download``; no length, so chunked)."""
    response = current_app.response_class(pieces, direct_passthrough=True)
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        names = {"filename": simple, "filename*": f"UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"}
    else:
        names = {"filename": filename}
    response.headers.set("Content-Disposition", "attachment", **names)
    return _private(response, media_type)


def _private(response, media_type: str):
    response.headers["Content-Type"] = media_type
    response.headers["Cache-Control"] = "private, no-store"
    return response
