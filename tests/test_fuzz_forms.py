"""Hostile submissions to every form in the URL map: never a 5xx, and a refused one changes nothing.

Every POST route is fuzzed (or listed in NOT_FUZZED with the reason) as a user the authorisation matrix
lets use it, on the matrix's world. Each submission is built from the real fields of the form as its page
shows it (names, options, defaults, file inputs), with a valid CSRF token, and then spoiled by Hypothesis:
100,000-character strings, NUL and lone surrogates, huge and negative numbers, malformed dates, unknown
choices, missing and duplicated fields, file parts for text fields. Each submission starts from the same
world (rolled back to a savepoint after it); a refused one (4xx, or 200 showing the form again) must leave
every table as it was. The counts of submissions and of statuses are printed at the end of the module.
"""

import collections
import functools
import hashlib
import json
import os
import re
import traceback
import urllib.parse
from dataclasses import dataclass, field

import lxml.html
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import LargeBinary, func, select, text

from agreements.accounts.tokens import TokenPurpose, make_token
from agreements.core.audit import AuditEvent
from agreements.core.mail import MailStatus, OutboxMessage
from agreements.drafting.models import Agreement
from agreements.extensions import db, limiter
from tests.support import database
from tests.support.client import log_in
from tests.support.factories import PASSWORD, make_agreement, make_network, make_user
from tests.support.route_matrix import ADMIN, ANON, MATRIX, OTHER_OBJECTS, build_world, route_url
from tests.support.signing import docx_bytes, pdf_bytes
from tests.support.template_package import manifest, package

#: POST routes deliberately not fuzzed, with the reason. Empty: every form is fuzzed.
NOT_FUZZED: dict[str, str] = {}


#: Submissions per route and database run: more for forms with more fields; over 1,000 per database.
#: FUZZ_FORMS_SCALE (default 1) multiplies them for a longer search on a developer's machine.
def examples(form) -> int:
    return int(min(40, 12 + len(form.fields) // 2) * float(os.environ.get("FUZZ_FORMS_SCALE", "1")))


MIN_SUBMISSIONS_PER_RUN = 500

#: Logged-in roles in the order a route's fuzzing user is chosen: the first the matrix lets use the form.
PREFERRED_ROLES = ("workshop_editor", "provider_signatory", "workshop_administrator", ADMIN)
PREFERRED_ROLES += tuple(
    role for role in MATRIX[("home.index", "GET")] if role not in (*PREFERRED_ROLES, ANON)
)

#: Forms posted from another page than the route's own GET: the page that shows the form.
FORM_PAGES = {
    "accounts.set_language": "home.index",
    "accounts.logout": "home.index",
    "accounts.change_password": "accounts.profile",
    "dashboard.invite_not_invited": "dashboard.who_signed",
    "mail.retry": "mail.outbox",
    "notifications.mark_all_read": "notifications.index",
    "notifications.open_notification": "notifications.index",
    "reviews.comment": "reviews.detail",
    "signatures.remind": "signatures.request_detail",
    "users_admin.add_membership": "users_admin.detail",
    "users_admin.coordinator_networks": "users_admin.detail",
    "users_admin.resend_invitation": "users_admin.detail",
}

#: Objects of the fuzzing world that let a form do its work where the matrix's would refuse it.
FUZZ_OBJECTS = {
    "accounts.accept_invitation": {"token": "invitation_token"},
    "accounts.reset_password": {"token": "reset_token"},
    "signatures.send": {"agreement_id": "draft_id"},
    "agreements.approve": {"agreement_id": "unapproved_commitment_id"},
    "organisations.network_delete": {"network_id": "lone_network_id"},
    "users_admin.resend_invitation": {"user_id": "invited_user_id"},
}

#: The starting step of a new agreement, chosen in the address: the full form is the one fuzzed.
FORM_QUERIES = {"agreements.create": ("template_version_id", "language", "owner_id")}


def _post_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


FUZZED = sorted(endpoint for endpoint, method in MATRIX if method == "POST" and endpoint not in NOT_FUZZED)


def test_every_post_route_is_fuzzed_or_listed_with_a_reason(app):
    routes = _post_routes(app)
    assert not routes - set(FUZZED) - NOT_FUZZED.keys(), "POST routes neither fuzzed nor listed in NOT_FUZZED"
    assert not NOT_FUZZED.keys() - routes, "NOT_FUZZED lists routes that no longer exist"


def fuzz_role(endpoint: str) -> str:
    """The role that fuzzes ``endpoint``: anonymous for public forms, else the first the matrix lets in."""
    expected = MATRIX[(endpoint, "POST")]
    if expected[ANON] != 302:
        return ANON
    for wanted in ((200, 302), (409,)):
        for role in PREFERRED_ROLES:
            if expected[role] in wanted:
                return role
    raise AssertionError(f"no role may use {endpoint}")


# The fuzzing world: the matrix's, and a few objects more.


@dataclass
class FuzzWorld:
    url_values: dict
    #: The logged-in cookies of each role's client, restored before every submission.
    cookies: dict
    clients: dict


@pytest.fixture(scope="module")
def fuzz_world(app, shared_transaction):
    with shared_transaction():
        users, url_values = build_world()
        url_values.update(_more_objects(users, url_values))
        clients = {role: app.test_client() for role in (ANON, *PREFERRED_ROLES)}
        cookies = {}
        for role, client in clients.items():
            if role != ANON:
                log_in(client, users[role])
            client.csrf_token()  # the session's CSRF secret, kept with the cookies
            cookies[role] = dict(client._cookies)
    return FuzzWorld(url_values, cookies, clients)


def _more_objects(users, url_values: dict) -> dict:
    """A draft to send for signature, a commitment to approve, a network nobody coordinates, an invited
    user with their link, a reset link, a failed message."""
    workshop = users["workshop_editor"].memberships[0].organisation
    provider = users["provider_signatory"].memberships[0].organisation
    draft = make_agreement(owner=workshop, providers=[provider], created_by=users["workshop_editor"])
    invited = make_user(organisation=workshop, password_hash=None, name="Kutsuttu Käyttäjä")
    forgetful = make_user(name="Unohtava Käyttäjä")
    commitment = db.session.get(Agreement, url_values["commitment_id"])
    unapproved = make_agreement(
        owner=workshop, providers=[provider], template_version=commitment.template_version
    )
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
    message.status, message.last_error = MailStatus.FAILED, "550 no such user"
    db.session.commit()
    return {
        "draft_id": draft.id,
        "unapproved_commitment_id": unapproved.id,
        "lone_network_id": make_network(region_codes=("02",)).id,
        "invited_user_id": invited.id,
        "invitation_token": make_token(invited, TokenPurpose.INVITATION),
        "reset_token": make_token(forgetful, TokenPurpose.PASSWORD_RESET),
    }


def _url(app, endpoint: str, url_values: dict, objects_of: str | None = None) -> str:
    """The address of ``endpoint`` on the world's objects (those of the route ``objects_of``, if given)."""
    objects_of = objects_of or endpoint
    names = {**OTHER_OBJECTS.get(objects_of, {}), **FUZZ_OBJECTS.get(objects_of, {})}
    return route_url(app, endpoint, url_values, names)


# The form as its page shows it.


@dataclass
class Field:
    name: str
    #: The input's type (text, hidden, password, file…), or select, multiple (also checkboxes) or button.
    kind: str
    options: list = field(default_factory=list)
    default: list = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: dict
    multipart: bool


def read_form(page: str, page_url: str, post_path: str) -> Form | None:
    """The fields of the forms on ``page`` that post to ``post_path``, merged; None if there is none."""
    document = lxml.html.fromstring(page)
    fields, action, multipart = {}, None, False
    for form in document.forms:
        target = urllib.parse.urljoin(page_url, form.get("action") or page_url)
        if (form.get("method") or "get").lower() != "post" or urllib.parse.urlsplit(target).path != post_path:
            continue
        action = action or target
        multipart = multipart or (form.get("enctype") or "").startswith("multipart/")
        for element in form.inputs:
            _add_field(fields, element)
        for button in form.xpath(".//button[@name]"):
            fields.setdefault(button.get("name"), Field(button.get("name"), "button")).options.append(
                button.get("value", "")
            )
    if action is None:
        return None
    split = urllib.parse.urlsplit(action)
    return Form(urllib.parse.urlunsplit(("", "", split.path, split.query, "")), fields, multipart)


def _add_field(fields: dict, element) -> None:
    name = element.get("name")
    if not name:
        return
    tag = element.tag
    kind = element.get("type", "text").lower() if tag == "input" else tag
    if tag == "select":
        kind = "multiple" if element.multiple else "select"
        options = [option.get("value", option.text_content()) for option in element.xpath(".//option")]
        selected = [o.get("value", o.text_content()) for o in element.xpath(".//option[@selected]")]
        fields[name] = Field(name, kind, options, selected or options[:1] if kind == "select" else selected)
        return
    if kind in ("checkbox", "radio"):
        entry = fields.setdefault(name, Field(name, "multiple" if kind == "checkbox" else "select"))
        entry.options.append(element.get("value", "on"))
        if element.checked:
            entry.default.append(element.get("value", "on"))
        return
    if kind in ("submit", "button", "reset", "image"):
        fields.setdefault(name, Field(name, "button")).options.append(element.get("value", ""))
        return
    value = element.text_content() if tag == "textarea" else element.get("value", "")
    fields[name] = Field(name, kind, default=[value] if kind != "file" else [])


# Hostile values.

HUGE = "x" * 100_000
HOSTILE_TEXT = [
    ("100k characters", HUGE),
    ("100k non-ASCII", "ä" * 100_000),
    ("NUL", "a\x00b"),
    ("lone surrogate", "\ud800"),
    ("lone low surrogate", "x\udfffy"),
    ("empty", ""),
    ("whitespace", " \t\r\n "),
    ("markup", "<script>alert(1)</script>&amp;"),
    ("template syntax", "{{ 7*7 }}{% for x in y %}"),
    ("SQL", "' OR 1=1 --"),
    ("format string", "%s%n{0}%(x)s"),
    ("right-to-left override", "\u202eabc"),
    ("emoji", "🎉" * 10),
    ("zero-width space", "\u200b"),
]
HOSTILE_NUMBERS = [
    ("huge number", "9" * 40),
    ("2**31", str(2**31)),
    ("2**63", str(2**63)),
    ("2**64", str(2**64)),
    ("below -2**63", str(-(2**63) - 1)),
    ("negative", "-1"),
    ("zero", "0"),
    ("huge negative", "-" + "9" * 30),
    ("fraction", "1.5"),
    ("decimal comma", "1,5"),
    ("exponent", "1e309"),
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
    ("sNaN", "sNaN"),
    ("many decimals", "0." + "1" * 60),
]
HOSTILE_DATES = [
    ("year 1", "0001-01-01"),
    ("year 999", "0999-12-31"),
    ("year 9999", "9999-12-31"),
    ("d.M.yyyy year 1", "1.1.0001"),
    ("d.M.yyyy year 9999", "31.12.9999"),
    ("30 February", "2026-02-30"),
    ("month 13", "2026-13-01"),
    ("five-digit year", "10000-01-01"),
    ("malformed date", "31.12.20x6"),
    ("date and time", "2026-09-01T12:00:00"),
]
HOSTILE_CHOICES = [("unknown choice", "no-such-choice"), ("letters for an id", "abc"), ("blank choice", "")]
HOSTILE = HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES + HOSTILE_CHOICES
#: The hostile values a field of each nature gets more often than the rest.
HOSTILE_FOR = {
    "date": HOSTILE_DATES,
    "number": HOSTILE_NUMBERS,
    "choice": HOSTILE_CHOICES + HOSTILE_NUMBERS,
}

VALID_PASSWORD_CHANGE = "Uusi-salasana-2026!"


def _valid_files() -> dict:
    """Real files a file field may want: the test template package, a PDF, a .docx, a CSV."""
    manifest_bytes, documents = package(manifest("fuzz_template"))
    return {
        "manifest": manifest_bytes,
        "docx": documents["fi"],
        "other docx": docx_bytes(),
        "pdf": pdf_bytes(),
        "csv": "nimi;tyyppi;y-tunnus;maakunta;kunta;kieli\nPaja;työpaja;0737546-2;06;Tampere;fi\n".encode(),
    }


HOSTILE_FILES = [
    ("empty file", b""),
    ("garbage bytes", bytes(range(256)) * 4),
    ("NUL text", b"a\x00b"),
    ("JSON with NaN", b'{"key": NaN, "version": Infinity}'),
    ("JSON with lone surrogate", b'{"key": "\\ud800", "title": {"fi": "\\udfff"}}'),
    ("deeply nested JSON", b"[" * 100_000),
    ("not UTF-8", "nimi;kunta\nÅbo;Åbo\n".encode("cp1252")),
    ("truncated zip", b"PK\x03\x04" + b"\x00" * 100),
]


@dataclass
class Submission:
    #: (name, value) pairs: a str value is a text part, a (filename, bytes) tuple a file part.
    parts: list
    multipart: bool
    #: What was spoiled, for the report: (field, label).
    spoiled: list


@st.composite
def submissions(draw, form: Form, files: dict):
    """A submission of ``form``: its fields valid or as shown, a few (or all) of them spoiled."""
    mode = draw(st.sampled_from(["valid", "few", "few", "few", "chaos"]))
    names = sorted(form.fields)
    spoiled_names = set()
    if mode == "few" and names:
        spoiled_names = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)))
    elif mode == "chaos":
        spoiled_names = set(names)
    parts, spoiled = [], []
    for name in names:
        entry = form.fields[name]
        if name == "csrf_token":
            parts.append((name, entry.default[0] if entry.default else ""))
        elif name in spoiled_names:
            label, values = draw(_spoiled(entry, files))
            spoiled.append((name, label))
            parts.extend((name, value) for value in values)
        else:
            parts.extend((name, value) for value in draw(_valid(entry, files)))
    if draw(st.integers(0, 9)) == 0:
        label, value = draw(_hostile_text())
        parts.append(("unexpected_field", value))
        spoiled.append(("unexpected_field", label))
    has_file = any(isinstance(value, tuple) for _name, value in parts)
    multipart = form.multipart or has_file or draw(st.integers(0, 4)) == 0
    return Submission(parts, multipart, spoiled)


def _hostile_text(entry: Field | None = None):
    """A hostile value (label, text): more often one of those for the field's nature, when given."""
    own = HOSTILE_FOR.get(_nature(entry), HOSTILE_TEXT) if entry is not None else HOSTILE
    return st.one_of(
        st.sampled_from(own),
        st.sampled_from(HOSTILE),
        st.text(max_size=40).map(lambda text: ("random text", text)),
        st.integers().map(lambda number: ("random integer", str(number))),
    )


def _valid(entry: Field, files: dict):
    """What a careful user would send in the field (a list of values: none, one or several)."""
    kind = entry.kind
    real_options = [option for option in entry.options if option != ""]
    if kind == "select":
        return st.sampled_from(real_options or entry.default or [""]).map(lambda value: [value])
    if kind == "multiple":
        return (
            st.lists(st.sampled_from(entry.options), unique=True, max_size=3)
            if entry.options
            else st.just([])
        )
    if kind == "button":
        return st.one_of(st.just([]), st.sampled_from(entry.options).map(lambda value: [value]))
    if kind == "file":
        return st.sampled_from(sorted(files)).map(lambda key: [(f"{key.replace(' ', '_')}.bin", files[key])])
    if kind == "hidden":
        return st.just(entry.default)
    return st.sampled_from(_plausible(entry)).map(lambda value: [value])


PLAUSIBLE = {
    "password": [PASSWORD, VALID_PASSWORD_CHANGE],
    "email": ["fuzz.user@example.fi"],
    "date": ["2026-09-01", "1.9.2026"],
    "number": ["3"],
    "textarea": ["Fuzz: rivi yksi\nrivi kaksi"],
    "text": ["Fuzz Åke Öljy"],
}


def _plausible(entry: Field) -> list[str]:
    return PLAUSIBLE[_nature(entry)] + [value for value in entry.default if value]


def _nature(entry: Field) -> str:
    """What a field asks for, as far as its type, name and shown value tell (the pages use text inputs)."""
    name, shown = entry.name.lower(), "".join(entry.default)
    if entry.kind in ("select", "multiple"):
        return "choice"
    if entry.kind in ("password", "email", "date", "number", "textarea"):
        return entry.kind
    if "email" in name:
        return "email"
    if "date" in name or name.endswith(("_on", "_day", "_until")) or re.fullmatch(r"[\d.-]{8,10}", shown):
        return "date"
    if re.search(r"(months|days|places|students|fee|_id|version|number|count)$", name) or shown.isdigit():
        return "number"
    return "text"


def _spoiled(entry: Field, files: dict):
    """(label, values) of a spoiled field: a hostile value, missing, twice, or a file part."""
    hostile = _hostile_text(entry).map(lambda pair: (pair[0], [pair[1]]))
    twice = st.tuples(_valid(entry, files), _hostile_text(entry)).map(
        lambda pair: (f"duplicated ({pair[1][0]})", [*pair[0], pair[1][1]])
    )
    file_part = st.sampled_from([*HOSTILE_FILES, ("short text", b"Fuzz")]).map(
        lambda pair: (f"file part ({pair[0]})", [("fuzz.txt", pair[1])])
    )
    choices = [hostile, hostile, twice, file_part, st.just(("missing", []))]
    if entry.kind == "file":
        choices.append(_hostile_text().map(lambda pair: (f"text for a file ({pair[0]})", [pair[1]])))
    return st.one_of(*choices)


# Sending a submission.


def encode(submission: Submission) -> tuple[bytes, str]:
    """The request body and its content type, built by hand: a client may send any bytes, surrogates too."""
    if not submission.multipart:
        pairs = [(name, _bytes(value)) for name, value in submission.parts if not isinstance(value, tuple)]
        body = "&".join(f"{urllib.parse.quote_plus(n)}={urllib.parse.quote_plus(v)}" for n, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    boundary = "fuzz" + hashlib.sha256(repr(submission.parts).encode("utf-8", "surrogatepass")).hexdigest()
    chunks = []
    for name, value in submission.parts:
        disposition = f'form-data; name="{name}"'
        if isinstance(value, tuple):
            filename, content = value
            disposition += f'; filename="{filename}"'
            head = f"Content-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n"
        else:
            head, content = f"Content-Disposition: {disposition}\r\n\r\n", _bytes(value)
        chunks += [f"--{boundary}\r\n".encode(), head.encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def send(client, url: str, submission: Submission):
    """Post the submission; (status, cause of a server error or None)."""
    body, content_type = encode(submission)
    try:
        response = client.post(url, data=body, content_type=content_type, csrf=False)
    except Exception as error:  # the test client re-raises what the app did not handle: a 500
        return 500, cause_of(error)
    if response.status_code >= 500:
        return response.status_code, f"HTTP {response.status_code} without an exception"
    return response.status_code, None


def cause_of(error: BaseException) -> str:
    """An exception as a cause: its type, the innermost frame of the application's code, then its message."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if f"{os.sep}agreements{os.sep}" in frame.filename]
    where = (ours or frames)[-1]
    message = str(error).splitlines()[0][:120] if str(error) else ""
    return (
        f"{type(error).__name__} at {os.path.relpath(where.filename)}:{where.lineno} {where.name} — {message}"
    )


# What a refused submission must not change.


#: Audit events a refusal records on purpose: the trail of failed attempts is itself the point.
REFUSAL_AUDIT_ACTIONS = {"account.login_failed"}
#: The audit chain's head moves with every event appended; the events themselves are compared.
UNCOMPARED_TABLES = {"audit_chain_heads"}


def _compared_rows() -> dict:
    """The query of each compared table's rows: every table, but the audit trail's records of refusals."""
    queries = {}
    postgresql = db.engine.dialect.name == "postgresql"
    for table in db.metadata.sorted_tables:
        if table.name not in UNCOMPARED_TABLES:
            query = select(
                *(
                    func.md5(column) if postgresql and isinstance(column.type, LargeBinary) else column
                    for column in table.columns
                )
            )
            if table.name == AuditEvent.__tablename__:
                query = query.where(table.c.action.not_in(REFUSAL_AUDIT_ACTIONS))
            queries[table.name] = query
    return queries


def snapshot() -> dict:
    """Every compared table's rows (binary values as their SHA-256), sorted: the state of the database."""
    return {
        name: sorted(tuple(_comparable(value) for value in row) for row in db.session.execute(query))
        for name, query in _compared_rows().items()
    }


def fingerprint():
    """What tells whether anything changed, quickly: on PostgreSQL a digest of every compared table in one
    statement (a snapshot's dozens of queries would double the test's time), elsewhere the snapshot."""
    if db.engine.dialect.name != "postgresql":
        return snapshot()
    return tuple(db.session.execute(_digest_statement(db.engine.dialect)).one())


@functools.cache
def _digest_statement(dialect):
    digests = []
    for query in _compared_rows().values():
        rows = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        # The statement is the application's own tables' compiled queries; no outside text enters it.
        digests.append(
            f"(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM ({rows}) r)"  # noqa: S608
        )
    return text("SELECT " + ", ".join(digests))


def _comparable(value) -> str:
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    return repr(value)


def changes(before: dict, after: dict) -> dict:
    """The tables whose rows differ: rows only before, rows only after (a few of each)."""
    return {
        name: {
            "gone": sorted(set(rows) - set(after[name]))[:3],
            "new": sorted(set(after[name]) - set(rows))[:3],
        }
        for name, rows in before.items()
        if rows != after[name]
    }


# The fuzzing itself.

TALLY = {"submissions": 0, "statuses": collections.Counter(), "routes": set()}


@pytest.fixture(scope="module", autouse=True)
def _summary(request, app):
    """Print the submissions made and their statuses when the module ends, one line for the database."""
    yield
    with app.app_context():
        dialect = db.engine.dialect.name
    statuses = ", ".join(f"{status}×{count}" for status, count in sorted(TALLY["statuses"].items()))
    server_errors = sum(count for status, count in TALLY["statuses"].items() if status >= 500)
    line = (
        f"fuzz ({dialect}): {TALLY['submissions']} submissions to {len(TALLY['routes'])} routes; "
        f"statuses {statuses}; {server_errors}×5xx"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


@pytest.mark.parametrize("endpoint", FUZZED)
def test_hostile_submissions_never_fail_and_refused_ones_change_nothing(app, fuzz_world, endpoint):
    """Each submission from the same world: never a server error; a refusal leaves every table as it was."""
    role = fuzz_role(endpoint)
    client = fuzz_world.clients[role]
    _restore(client, fuzz_world.cookies[role])
    url = _url(app, endpoint, fuzz_world.url_values)
    form = _form(app, client, endpoint, url, fuzz_world.url_values)
    files = _valid_files()
    before, before_fingerprint = snapshot(), fingerprint()
    problems = collections.defaultdict(list)

    @settings(
        max_examples=examples(form),
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def fuzz(data):
        submission = data.draw(submissions(form, files))
        db.session.rollback()  # the test's own reads end before the submission's savepoint begins
        with database.rolled_back(db.engine):
            try:
                _restore(client, fuzz_world.cookies[role])
                limiter.reset()
                status, cause = send(client, form.action, submission)
                _count(endpoint, status)
                if cause is not None:
                    problems[cause].append(submission.spoiled)
                elif status >= 400 or status == 200:
                    changed = fingerprint() != before_fingerprint and changes(before, snapshot())
                    if changed:
                        problems[f"refused ({status}) but changed {changed}"].append(submission.spoiled)
            finally:
                db.session.rollback()
                db.session.remove()

    fuzz()
    assert not problems, f"{endpoint} as {role}:\n" + "\n".join(
        f"{cause}\n    {len(spoiled)}× e.g. spoiled {json.dumps(spoiled[0], ensure_ascii=False)[:300]}"
        for cause, spoiled in problems.items()
    )


def _restore(client, cookies: dict) -> None:
    client._cookies = dict(cookies)


def _count(endpoint: str, status: int) -> None:
    TALLY["submissions"] += 1
    TALLY["statuses"][status] += 1
    TALLY["routes"].add(endpoint)


def _form(app, client, endpoint: str, url: str, url_values: dict) -> Form:
    """The form that posts to ``url``, read from its page as the fuzzing user sees it."""
    page_url = _url(app, FORM_PAGES[endpoint], url_values, endpoint) if endpoint in FORM_PAGES else url
    if endpoint in FORM_QUERIES:
        page_url += "?" + urllib.parse.urlencode(_start_choices(client, page_url, FORM_QUERIES[endpoint]))
    response = client.get(page_url)
    assert response.status_code == 200, f"GET {page_url}: {response.status_code}"
    form = read_form(response.get_data(as_text=True), page_url, urllib.parse.urlsplit(url).path)
    assert form is not None, f"no form posting to {url} on {page_url}"
    return form


def _start_choices(client, page_url: str, names) -> dict:
    """The first real option of each of the starting step's choices."""
    document = lxml.html.fromstring(client.get(page_url).get_data(as_text=True))
    return {
        name: next(
            value
            for value in document.xpath(
                f'//select[@name="{name}"]//option/@value | //input[@name="{name}"]/@value'
            )
            if value
        )
        for name in names
    }


def test_enough_hostile_submissions_were_made(fuzz_world):
    """A run of the whole module makes at least MIN_SUBMISSIONS_PER_RUN submissions (1,000 over both
    databases)."""
    if TALLY["routes"] != set(FUZZED):
        pytest.skip("only part of the routes was fuzzed in this run")
    assert TALLY["submissions"] >= MIN_SUBMISSIONS_PER_RUN
