"""Create the demo data; safe to run again, as every row is looked up by its natural key first."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from sqlalchemy import select

from agreements.accounts.models import Membership, UILanguage, User
from agreements.accounts.operations import find_user_by_email
from agreements.demo.data import NETWORKS, ORGANISATIONS, SIGNATORIES, ULA, ULA_MEMBERS, USERS, DemoUser
from agreements.demo.seed_commitment import seed_commitment
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.organisations.business_id import check_digit
from agreements.organisations.models import Network, NetworkKind, Organisation, Region

#: Demo business IDs start here, far above the numbers handed out so far, so they look fictional.
FIRST_BUSINESS_ID = 9_800_000


class SeedError(RuntimeError):
    """The database is not ready for demo data."""


@dataclass
class SeedReport:
    """What a seed run created, and the demo logins with whether each was new."""

    created: Counter = field(default_factory=Counter)
    logins: list[tuple[DemoUser, bool]] = field(default_factory=list)
    #: The demo commitment, and whether it was "created", "existed" or why it could not be made.
    commitment: tuple[Agreement | None, str] = (None, "")


def seed(password: str) -> SeedReport:
    """Create whatever demo networks, organisations, users and demo commitment are missing; commit."""
    regions = {region.code: region for region in db.session.scalars(select(Region))}
    if not regions:
        raise SeedError("The regions are missing: run `flask db upgrade` first.")
    report = SeedReport()
    networks = {
        name: _network(report, name, text, [regions[c] for c in codes]) for name, text, codes in NETWORKS
    }
    organisations = _organisations(report, regions)
    _members(networks[ULA], [organisations[name] for name in ULA_MEMBERS])
    password_hash = password_hash_for(password)
    for demo_user in USERS:
        report.logins.append((demo_user, _user(report, demo_user, password_hash, organisations, networks)))
    for demo_user in SIGNATORIES:
        _user(report, demo_user, password_hash, organisations, networks)
    report.commitment = seed_commitment(password, organisations)
    db.session.commit()
    return report


def business_ids() -> Iterator[str]:
    """Valid, fictional business IDs in a fixed order, skipping numbers that have no check digit."""
    for number in count(FIRST_BUSINESS_ID):
        digits = f"{number:07d}"
        digit = check_digit(digits)
        if digit is not None:
            yield f"{digits}-{digit}"


def _network(report: SeedReport, name: str, description: str, regions: list[Region]) -> Network:
    network = db.session.scalar(select(Network).where(Network.name == name))
    if network is None:
        kind = NetworkKind.REGIONAL if regions else NetworkKind.MEMBERSHIP
        network = Network(name=name, description=description, regions=regions, kind=kind)
        db.session.add(network)
        report.created["networks"] += 1
    return network


def _members(network: Network, organisations: list[Organisation]) -> None:
    """Add the demo members a membership network is missing (a network seeded before it had members, as a
    regional one, is left as it is)."""
    if network.is_membership:
        network.members.extend(o for o in organisations if o not in network.members)


def _organisations(report: SeedReport, regions: dict[str, Region]) -> dict[str, Organisation]:
    organisations = {}
    for (kind, name, municipality, code, language), business_id in zip(
        ORGANISATIONS, business_ids(), strict=False
    ):
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == name, Organisation.municipality == municipality)
        )
        if organisation is None:
            organisation = Organisation(
                kind=kind,
                name=name,
                business_id=business_id,
                region=regions[code],
                municipality=municipality,
                language=language,
            )
            db.session.add(organisation)
            report.created[kind.value] += 1
        organisations[name] = organisation
    return organisations


def password_hash_for(password: str) -> str:
    """Hash the shared password once: argon2 is slow on purpose."""
    probe = User()
    probe.set_password(password)
    return probe.password_hash


def _user(report, demo_user: DemoUser, password_hash: str, organisations: dict, networks: dict) -> bool:
    """Create the demo user unless it exists, with its membership and networks; True when created."""
    email = User.normalise_email(demo_user.email)
    user = find_user_by_email(email)
    created = user is None
    if created:
        user = User(
            email=email,
            name=demo_user.name,
            is_admin=demo_user.admin,
            password_hash=password_hash,
            locale=UILanguage(demo_user.locale),
        )
        db.session.add(user)
        report.created["users"] += 1
    if demo_user.organisation:
        _ensure_membership(user, organisations[demo_user.organisation], demo_user.role)
    for name in demo_user.networks:
        if networks[name] not in user.coordinated_networks:
            user.coordinated_networks.append(networks[name])
    return created


def _ensure_membership(user: User, organisation: Organisation, role) -> None:
    if not any(m.organisation is organisation and m.role == role for m in user.memberships):
        user.memberships.append(Membership(organisation=organisation, role=role))
