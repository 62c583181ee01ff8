"""Read models for drafting: which agreements a user sees, list filters, templates to draft from, the
field values of a version as the interface shows them, and the comments versions answer."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from agreements.accounts.models import User
from agreements.accounts.queries import USERS_ALONE
from agreements.core.i18n import ui_language
from agreements.core.signals import values_from
from agreements.drafting import lifecycle
from agreements.drafting.diff import display_value, header_texts
from agreements.drafting.documents import version_parties
from agreements.drafting.lifecycle import EDITABLE
from agreements.drafting.models import (
    EXPIRED,
    IN_FORCE,
    UPCOMING,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    ApprovalDecision,
    agreement_parties,
)
from agreements.drafting.policy import drafting_workshops
from agreements.drafting.signals import version_answers
from agreements.extensions import db
from agreements.organisations.coverage import coordinated_network_ids, organisations_of
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.templates_lib.fields import label, section_titles
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateVersion
from agreements.templates_lib.queries import latest_versions, title_order
from agreements.templates_lib.signals import version_usage

#: The list's validity filter: what ``Agreement.validity_on`` answers, and open-ended terms (see the
#: definitions in agreements/drafting/models.py; a draft is never upcoming, in force or expired).
VALIDITY_CHOICES = {
    UPCOMING: _l("Upcoming"),
    IN_FORCE: _l("In force"),
    EXPIRED: _l("Expired"),
    "open_ended": _l("Open-ended"),
}


@dataclass(frozen=True)
class AgreementFilters:
    """What the agreements list is narrowed to; every field is optional."""

    search: str = ""
    status: AgreementStatus | None = None
    organisation_id: int | None = None
    party_id: int | None = None
    #: A part of a party's name: agreements with a party whose name holds it, in any case.
    party_name: str = ""
    template_id: int | None = None
    validity: str | None = None


def _has_party(condition: ColumnElement) -> ColumnElement:
    """Agreements with at least one party organisation matching ``condition``."""
    parties = (
        select(agreement_parties.c.agreement_id)
        .join(Organisation, Organisation.id == agreement_parties.c.organisation_id)
        .where(condition)
    )
    return Agreement.id.in_(parties)


#: What decides which agreements a user may read (see visibility_of).
Visibility = tuple[bool, tuple[int, ...], tuple[int, ...]]


def visibility_of(user) -> Visibility:
    """What decides which agreements the user may read: whether an administrator, their organisations and
    the networks they coordinate (hashable, a key of statements built for it)."""
    return user.is_admin, tuple(sorted(user.organisation_ids())), tuple(sorted(coordinated_network_ids(user)))


def visible_to(user) -> ColumnElement:
    """Agreements the user may read: a party is their organisation or one their networks cover."""
    return visible_with(visibility_of(user))


def visible_with(visibility: Visibility) -> ColumnElement:
    """Agreements a user of ``visibility`` may read (see visible_to)."""
    admin, organisation_ids, network_ids = visibility
    if admin:
        return true()
    # On the party rows alone, without joining each to its organisation: where organisations are few (the
    # real field's 300), PostgreSQL scanned them all for every agreement it looked at.
    party = agreement_parties.c.organisation_id
    covered = party.in_(organisations_of(network_ids)) if network_ids else false()
    return Agreement.id.in_(
        select(agreement_parties.c.agreement_id).where(or_(party.in_(organisation_ids), covered))
    )


def validity_condition(validity: str, today: date) -> ColumnElement:
    """Agreements upcoming, in force or expired on ``today``, or open-ended: a VALIDITY_CHOICES key."""
    if validity == "open_ended":
        return Agreement.open_ended
    return Agreement.validity_is(validity, today)


def agreements_query(user, filters: AgreementFilters, today: date) -> Select:
    """The agreements the user may read that match ``filters``, most recently changed first (the order
    of the index ix_agreements_updated_at_id, which the list's pages are read from)."""
    return agreements_query_of(visibility_of(user), filters, today)


def agreements_query_of(visibility: Visibility, filters: AgreementFilters, today: date) -> Select:
    """agreements_query for a user of ``visibility``: made of its arguments alone."""
    query = select(Agreement).where(visible_with(visibility))
    if filters.status is not None:
        query = query.where(Agreement.status == filters.status)
    for organisation_id in (filters.organisation_id, filters.party_id):
        if organisation_id is not None:
            query = query.where(_has_party(Organisation.id == organisation_id))
    if filters.party_name:
        query = query.where(_has_party(Organisation.name.icontains(filters.party_name, autoescape=True)))
    if filters.template_id is not None:
        versions = select(TemplateVersion.id).where(TemplateVersion.template_id == filters.template_id)
        query = query.where(Agreement.template_version_id.in_(versions))
    if filters.validity in VALIDITY_CHOICES:
        query = query.where(validity_condition(filters.validity, today))
    if filters.search:
        term = filters.search
        query = query.where(
            or_(
                Agreement.title.icontains(term, autoescape=True),
                Agreement.reference.icontains(term, autoescape=True),
                _has_party(Organisation.name.icontains(term, autoescape=True)),
            )
        )
    return query.order_by(Agreement.updated_at.desc(), Agreement.id.desc())


def _in_progress_condition(user) -> ColumnElement:
    """Agreements of the user's organisations that are drafted, out for comments or awaiting signatures."""
    ours = select(agreement_parties.c.agreement_id).where(
        agreement_parties.c.organisation_id.in_(user.organisation_ids())
    )
    return Agreement.status.in_(EDITABLE) & Agreement.id.in_(ours)


def in_progress(user, limit: int) -> list[Agreement]:
    """The ``limit`` most recently changed agreements in progress of the user's organisations, with owners."""
    if not user.organisation_ids():
        return []
    query = (
        select(Agreement)
        .where(_in_progress_condition(user))
        .options(joinedload(Agreement.owner))
        .order_by(Agreement.updated_at.desc(), Agreement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def in_progress_counts(user) -> dict[AgreementStatus, int]:
    """How many agreements of the user's organisations are in progress, by status, in lifecycle order."""
    if not user.organisation_ids():
        return {}
    query = (
        select(Agreement.status, func.count()).where(_in_progress_condition(user)).group_by(Agreement.status)
    )
    counts = dict(db.session.execute(query).all())
    return {status: counts[status] for status in AgreementStatus if status in counts}


def own_organisations(user) -> list[Organisation]:
    """The organisations the user is a member of, by name."""
    return sorted({m.organisation for m in user.memberships}, key=lambda organisation: organisation.name)


@dataclass(frozen=True)
class VersionTitle:
    """A template version's title in the interface language, with what orders and groups it."""

    id: int
    template_id: int
    number: int
    key: str
    title: str


#: version_titles' statement, built once: SQLAlchemy computes a statement's cache key once per object.
VERSION_TITLES = select(
    TemplateVersion.id,
    TemplateVersion.template_id,
    TemplateVersion.number,
    AgreementTemplate.key,
    TemplateVersion.manifest["title"],
).join(AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id)


def version_titles() -> list[VersionTitle]:
    """Every template version's title in the interface language, by title, read in one statement of the
    titles alone (not each manifest whole): the agreement list's template filter and template column."""
    language = ui_language()
    rows = db.session.connection().execute(VERSION_TITLES)
    titles = [VersionTitle(*row[:4], label(row[4], language)) for row in rows]
    return sorted(titles, key=lambda version: (version.title.casefold(), version.key, version.number))


def latest_titles(titles: list[VersionTitle]) -> list[VersionTitle]:
    """The latest version of each template among ``titles``, in their order."""
    latest: dict[int, int] = {}
    for version in titles:
        latest[version.template_id] = max(version.number, latest.get(version.template_id, 0))
    return [version for version in titles if version.number == latest[version.template_id]]


def template_versions(only_active: bool = False) -> list[TemplateVersion]:
    """The latest version of every (active) template, by title in the interface language."""
    query = latest_versions()
    if only_active:
        query = query.where(AgreementTemplate.active)
    return sorted(db.session.scalars(query), key=title_order)


def party_candidates(kind: TemplateKind, owner: Organisation, current: list[Organisation] = ()) -> list:
    """Who may be chosen as the other parties: active providers (or, for a commitment, any active
    organisation), plus the ``current`` parties so that an inactive one is refused visibly, not dropped."""
    query = select(Organisation).where(Organisation.active, Organisation.id != owner.id)
    if kind != TemplateKind.COMMITMENT:
        query = query.where(Organisation.kind == OrganisationKind.PROVIDER)
    candidates = set(db.session.scalars(query)) | {party for party in current if party.id != owner.id}
    return sorted(candidates, key=lambda organisation: (organisation.name, organisation.municipality))


def main_agreement_candidates(owner: Organisation) -> list[Agreement]:
    """The agreements an annex drafted by ``owner`` may belong to: the workshop's own that are neither
    annexes nor ended (cancelled, terminated or superseded), newest first."""
    return main_agreement_candidates_of([owner])


def main_agreement_candidates_of(owners: list[Organisation]) -> list[Agreement]:
    """The agreements an annex of any of ``owners`` may belong to (each its own workshop's), newest first."""
    annex_versions = (
        select(TemplateVersion.id)
        .join(AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id)
        .where(AgreementTemplate.kind == TemplateKind.ANNEX)
    )
    query = select(Agreement).where(
        Agreement.owner_id.in_([owner.id for owner in owners]),
        Agreement.status.not_in(lifecycle.FINISHED),
        or_(
            Agreement.template_version_id.not_in(annex_versions),
            # Signed outside the service: its kind is stored; NULL means "other", not an annex.
            and_(
                Agreement.template_version_id.is_(None),
                or_(Agreement.registered_kind.is_(None), Agreement.registered_kind != TemplateKind.ANNEX),
            ),
        ),
    )
    return list(db.session.scalars(query.order_by(Agreement.id.desc())))


def live_annexes(agreement: Agreement) -> list[Agreement]:
    """The agreement's annexes that have not ended: those that may end with it."""
    return [annex for annex in agreement.annexes if annex.status not in lifecycle.FINISHED]


#: An agreement's versions with their authors (alone, without their memberships and networks), each beside
#: the approval decisions of it (an agreement has a few of either); one statement object, so that SQLAlchemy
#: computes its cache key once, not on every page (as a selectinload among the agreement's loader options
#: did, at 1.6 ms of CPU for one version).
_VERSIONS_AND_APPROVALS = (
    select(AgreementVersion, ApprovalDecision)
    .outerjoin(
        ApprovalDecision,
        and_(
            ApprovalDecision.version_id == AgreementVersion.id,
            ApprovalDecision.agreement_id == AgreementVersion.agreement_id,
        ),
    )
    .where(AgreementVersion.agreement_id == bindparam("agreement_id"))
    .options(joinedload(AgreementVersion.created_by).options(*USERS_ALONE))
    .order_by(AgreementVersion.number, ApprovalDecision.id)
)


#: Each party's terms beside the party, in the parties' order (by name).
_PARTIES_AND_TERMS = (
    select(AgreementParty, Organisation)
    .join(Organisation, Organisation.id == AgreementParty.organisation_id)
    .where(AgreementParty.agreement_id == bindparam("agreement_id"))
    .order_by(Organisation.name)
)


def load_parties(agreement: Agreement) -> None:
    """Read the agreement's parties with their terms in one statement built once; joined to the
    agreement's own query, each party had repeated its template's manifest, parsed again for every row."""
    rows = db.session.execute(_PARTIES_AND_TERMS, {"agreement_id": agreement.id}).all()
    set_committed_value(agreement, "parties", [organisation for terms, organisation in rows])
    set_committed_value(agreement, "party_terms", [terms for terms, organisation in rows])


def load_collections(agreement: Agreement) -> None:
    """Read the agreement's versions with their authors and approval decisions in one statement built once
    (a lazy load cost about twice as much CPU); the decisions oldest first, as the relationship orders
    them."""
    rows = db.session.execute(_VERSIONS_AND_APPROVALS, {"agreement_id": agreement.id}).all()
    versions = dict.fromkeys(version for version, decision in rows)
    approvals = sorted((decision for version, decision in rows if decision is not None), key=lambda d: d.id)
    set_committed_value(agreement, "versions", list(versions))
    set_committed_value(agreement, "approvals", approvals)


#: An agreement's annexes and renewals, oldest first; one statement object, so that SQLAlchemy computes its
#: cache key once, not on every page.
_LINKED_AGREEMENTS = (
    select(Agreement)
    .where(
        or_(
            Agreement.main_agreement_id == bindparam("agreement_id"),
            Agreement.renewal_of_id == bindparam("agreement_id"),
        )
    )
    .order_by(Agreement.id)
)


#: Whether another agreement is an annex or a renewal of the agreement loaded, asked in the query loading it
#: (with_expression(Agreement.has_linked, HAS_LINKED)) so that load_linked reads nothing for most.
_OTHER = aliased(Agreement)
HAS_LINKED = (
    select(_OTHER.id)
    .where(or_(_OTHER.main_agreement_id == Agreement.id, _OTHER.renewal_of_id == Agreement.id))
    .exists()
)


def load_linked(agreement: Agreement) -> None:
    """Read the agreement's annexes and the agreements that renew it in one statement, as its ``annexes``
    and ``renewals`` (its page shows both); none without a statement when its query found it has none."""
    if agreement.has_linked is False:
        linked = []
    else:
        linked = list(db.session.scalars(_LINKED_AGREEMENTS, {"agreement_id": agreement.id}))
    set_committed_value(agreement, "annexes", [a for a in linked if a.main_agreement_id == agreement.id])
    set_committed_value(agreement, "renewals", [a for a in linked if a.renewal_of_id == agreement.id])


def visible_annexes(agreement: Agreement, user) -> list[Agreement]:
    """The agreement's annexes that ``user`` may read, oldest first (asked of the database only when it has
    annexes and the user may not read every agreement)."""
    if user.is_admin or not agreement.annexes:
        return list(agreement.annexes)
    query = select(Agreement).where(Agreement.main_agreement_id == agreement.id, visible_to(user))
    return list(db.session.scalars(query.order_by(Agreement.id)))


def version_author(version: AgreementVersion) -> str:
    """The name of the version's author: the user already loaded (often the reader), else that user alone,
    without the memberships and networks the relationship would load with them."""
    if version.created_by_id is None:
        return _("unknown")
    author = db.session.get(User, version.created_by_id, options=USERS_ALONE)
    return author.name if author is not None else _("unknown")


def value_sections(manifest: dict, values: dict, language: str) -> list[dict]:
    """The field values of a version grouped by section, as text in ``language``; rows as tables."""
    sections = [
        {"title": label(section["title"], language), "key": section["key"], "fields": []}
        for section in manifest["sections"]
    ]
    by_key = {section["key"]: section for section in sections}
    for field in manifest["fields"]:
        by_key[field["section"]]["fields"].append(_shown_field(field, values.get(field["key"]), language))
    return [section for section in sections if section["fields"]]


def _shown_field(field: dict, stored, language: str) -> dict:
    shown = {"key": field["key"], "label": label(field["label"], language), "type": field["type"]}
    if field["type"] == "rows":
        shown["columns"] = [label(column["label"], language) for column in field["columns"]]
        shown["rows"] = [
            [display_value(column, row.get(column["key"]), language) for column in field["columns"]]
            for row in stored or []
        ]
    else:
        shown["text"] = display_value(field, stored, language)
    return shown


def snapshot_texts(snapshot: dict, manifest: dict, language: str) -> dict[str, tuple[str, str]]:
    """Every comparable item of a snapshot (see version_snapshot) as {key: (label, text)}."""
    texts = {"title": (_("Title"), snapshot["header"]["title"]), **header_texts(snapshot)}
    for field in manifest["fields"]:
        shown = _shown_field(field, snapshot["values"].get(field["key"]), language)
        text = shown.get("text") or " | ".join("; ".join(row) for row in shown["rows"]) or _("(no rows)")
        texts[f"field:{field['key']}"] = (shown["label"], text)
    return texts


def version_snapshot(version: AgreementVersion) -> dict:
    """A saved version as plain data, the shape diff.compare and snapshot_texts read: ``header`` (title,
    dates, notice_period_months, auto_renew), ``parties`` (names, in the version's order), ``values``."""
    return {
        "header": {
            "title": version.title,
            "start_date": version.start_date,
            "end_date": version.end_date,
            "notice_period_months": version.notice_period_months,
            "auto_renew": version.auto_renew,
        },
        "parties": [party["name"] for party in version_parties(version, "fi")],
        "values": version.values,
    }


def conflicting_changes(base: dict, latest: dict, mine: dict, manifest: dict, language: str) -> list[dict]:
    """What changed between the version an edit started from and the latest one, beside the user's input:
    [{label, theirs, yours}]."""
    base_texts = snapshot_texts(base, manifest, language)
    latest_texts = snapshot_texts(latest, manifest, language)
    my_texts = snapshot_texts(mine, manifest, language)
    return [
        {"label": name, "theirs": text, "yours": my_texts[key][1]}
        for key, (name, text) in latest_texts.items()
        if base_texts[key][1] != text
    ]


def _answers(versions: list[AgreementVersion], user) -> dict[int, list]:
    """The comments each version answers that ``user`` may read, by version number (as reviews answer)."""
    answers: dict[int, list] = {version.number: [] for version in versions}
    if not versions:
        return answers
    for found in values_from(version_answers, versions[0].agreement, versions=versions, user=user):
        for number, comments in found.items():
            answers[number].extend(comments)
    return answers


def answered_comments(versions: list[AgreementVersion], user, manifest: dict, language: str) -> list[dict]:
    """The comments ``versions`` answer that ``user`` may read, by section: [{key, title, comments:
    [{comment, versions: [numbers]}]}], the whole document (key None) first, then the manifest's order."""
    answered: dict = {}
    for number, comments in _answers(versions, user).items():
        for comment in comments:
            answered.setdefault(comment, []).append(number)
    sections = {
        key: {"key": key, "title": title, "comments": []}
        for key, title in section_titles(manifest, language).items()
    }
    for comment, numbers in sorted(answered.items(), key=lambda item: (item[0].round_id, item[0].id)):
        sections[comment.section_key]["comments"].append({"comment": comment, "versions": numbers})
    return [section for section in sections.values() if section["comments"]]


def answered_counts(versions: list[AgreementVersion], user) -> dict[int, int]:
    """How many comments each version answers that ``user`` may read, by version number."""
    return {number: len(comments) for number, comments in _answers(versions, user).items()}


@version_usage.connect
def agreements_by_template_version(_sender) -> dict[int, int]:
    """How many agreements were drafted on each template version."""
    query = (
        select(Agreement.template_version_id, func.count())
        .where(Agreement.template_version_id.is_not(None))
        .group_by(Agreement.template_version_id)
    )
    return dict(db.session.execute(query).all())


def registering_workshops(user) -> list[Organisation]:
    """Workshops whose earlier agreements the user may register: any active one for an administrator."""
    if not user.is_admin:
        return drafting_workshops(user)
    query = select(Organisation).where(Organisation.active, Organisation.kind == OrganisationKind.WORKSHOP)
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.municipality)))


def registration_candidates() -> list[Organisation]:
    """Who may be named as the other parties of a registered agreement: every active organisation."""
    query = select(Organisation).where(Organisation.active)
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.municipality)))
