"""The demo commitment of `flask demo seed`, made through the real operations.

The demo workshop drafts its network's commitment to the guidelines, the network's steering group approves
it, and the workshop opens it for joining; the organisations answer over the following weeks — several
join, each bound from its own day, one declines, one has not answered — and one organisation invited later
joins too. The story's dates lie in the weeks before
the seed runs (the operations' ``now``); its audit events carry the moment they were recorded.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from agreements.accounts.models import MembershipRole, User
from agreements.core.dates import add_months
from agreements.core.timeutil import HELSINKI, helsinki_today
from agreements.demo.data import COMMITMENT, SIGNATORIES, USERS, Answer
from agreements.drafting.approval import record_approval
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.drafting.operations import create_agreement
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation
from agreements.signatures import accession, operations
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.operations import Evidence
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateVersion

#: The commitment was sent this many days before the seed runs, and drafted this many days before that.
SENT_DAYS_AGO = 75
DRAFTED_DAYS_EARLIER = 20
#: Where the demo signatures came from.
EVIDENCE = Evidence(ip="192.0.2.25", user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0")
SIGNATORY = MembershipRole.SIGNATORY
#: The demo workshop's editor, who drafts, sends and invites.
DRAFTER = "workshop-editor@demo.sopimuspolku.fi"


def seed_commitment(password: str, organisations: dict[str, Organisation]) -> tuple[Agreement | None, str]:
    """The demo commitment, made unless it exists; with what happened ("created", "existed" or why not)."""
    owner = organisations[COMMITMENT["owner"]]
    query = select(Agreement).where(Agreement.title == COMMITMENT["title"], Agreement.owner_id == owner.id)
    existing = db.session.scalar(query)
    if existing is not None:
        return existing, "existed"
    version = _template_version()
    if version is None:
        return None, "the shipped templates are missing: run `flask templates sync` and seed again"
    signers = {answer.organisation: _signatory(answer.organisation) for answer in COMMITMENT["answers"]}
    if not all(signer.check_password(password) for signer in signers.values()):
        return None, "a signatory of it has changed their password, so it cannot be signed for them"
    return _make(version, organisations, signers, password), "created"


def _template_version() -> TemplateVersion | None:
    """The newest version of the shipped commitment template, if it has been synced."""
    query = (
        select(TemplateVersion)
        .join(AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id)
        .where(AgreementTemplate.kind == TemplateKind.COMMITMENT)
        .order_by(TemplateVersion.id.desc())
    )
    return db.session.scalars(query).first()


def _signatory(organisation: str) -> User:
    """The demo signatory of an organisation."""
    demo_user = next(
        u for u in (*USERS, *SIGNATORIES) if (u.organisation, u.role) == (organisation, SIGNATORY)
    )
    return db.session.scalar(select(User).where(User.email == demo_user.email))


def _make(version: TemplateVersion, organisations: dict, signers: dict, password: str) -> Agreement:
    """Draft, send, and let the organisations be invited and answer in the order of their days."""
    drafter = db.session.scalar(select(User).where(User.email == DRAFTER))
    sent = _at_ten(helsinki_today() - timedelta(days=SENT_DAYS_AGO))
    answers = COMMITMENT["answers"]
    first = [organisations[a.organisation] for a in answers if not a.invited_day]
    agreement = _draft(version, first, drafter, sent - timedelta(days=DRAFTED_DAYS_EARLIER))
    _approve(agreement, drafter, sent)
    choices = [(organisation, signers[organisation.name]) for organisation in first]
    request = operations.send_for_signature(
        agreement, drafter, choices, message=COMMITMENT["message"], now=sent
    )
    for when, kind, answer in sorted(_steps(sent, answers), key=lambda step: step[0]):
        organisation, signer = organisations[answer.organisation], signers[answer.organisation]
        if kind == "invite":
            accession.invite(request, drafter, [PartyChoice(organisation, (signer,))], now=when)
            continue
        signature = request.party_of(organisation.id).signers[0]
        if kind == "join":
            language = signer.locale.value
            operations.sign(signature, signer, password, signer.name, True, language, EVIDENCE, now=when)
        else:
            operations.decline(signature, signer, COMMITMENT["decline_reason"], now=when)
    return agreement


def _approve(agreement: Agreement, drafter: User, sent: datetime) -> None:
    """The network's steering group approved the draft some days before it was opened for joining."""
    approval = COMMITMENT["approval"]
    decided_on = _day(sent) - timedelta(days=approval["days_before"])
    record_approval(
        agreement,
        drafter,
        version_number=agreement.latest_version.number,
        body=approval["body"],
        decided_on=decided_on,
        minutes_reference=approval["minutes"] % {"year": decided_on.year},
        now=sent - timedelta(hours=1),
    )


def _steps(sent: datetime, answers: list[Answer]) -> list[tuple[datetime, str, Answer]]:
    """Each later invitation and each answer: its moment, what it is, and whose."""
    steps = [(sent + timedelta(days=a.invited_day), "invite", a) for a in answers if a.invited_day]
    for position, answer in enumerate(answers):
        if answer.answer != "none":
            steps.append((sent + timedelta(days=answer.day, minutes=47 * position), answer.answer, answer))
    return steps


def _draft(version: TemplateVersion, parties: list[Organisation], drafter: User, when: datetime) -> Agreement:
    """The commitment's draft, dated to when it was written (create_agreement takes no ``now``)."""
    start = add_months(_day(when).replace(day=1), 2)
    agreement = create_agreement(
        version,
        Language.FI,
        parties[0],
        parties[1:],
        title=COMMITMENT["title"],
        start_date=start,
        end_date=add_months(start, 36) - timedelta(days=1),
        notice_period_months=6,
        auto_renew=False,
        values=COMMITMENT["values"],
        actor=drafter,
    )
    agreement.created_at = when
    db.session.execute(
        update(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id).values(created_at=when)
    )
    return agreement


def _at_ten(day: date) -> datetime:
    """10.00 Helsinki time on ``day``, in UTC as the operations keep their times."""
    return datetime.combine(day, time(10), tzinfo=HELSINKI).astimezone(UTC)


def _day(moment: datetime) -> date:
    """The Helsinki calendar day of a moment."""
    return moment.astimezone(HELSINKI).date()
