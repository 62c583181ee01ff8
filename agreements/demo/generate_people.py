"""Networks, organisations, users, memberships and coordinators for `flask demo generate`.

Organisations are spread over the regions by population; each has an editor and a signatory from the start,
often a viewer and a second editor, some of them joining later. The global audit chain records how the
administrators created it all, and every user got an invitation mail.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from agreements.demo.generate_audit import Chain
from agreements.demo.generate_clock import Clock, days, seeded, weighted
from agreements.demo.generate_names import (
    FIRST_NAMES,
    LAST_NAMES,
    NAME_WORDS,
    PROVIDER_PREFIXES,
    WORKSHOP_PREFIXES,
)
from agreements.demo.generate_notices import Notices
from agreements.demo.generate_places import MUNICIPALITIES, NETWORKS, POPULATION, SWEDISH_SHARE
from agreements.demo.generate_writer import RowWriter
from agreements.demo.seed import business_ids
from agreements.organisations.queries import all_regions

EMAIL_DOMAIN = "demo.sopimuspolku.fi"
#: Roles of an organisation's members by how many people it has; "editor+signatory" is one person with both.
ROLE_SETS = {
    1: (("editor", "signatory"),),
    2: (("editor",), ("signatory",)),
    3: (("editor",), ("signatory",), ("viewer",)),
    4: (("editor",), ("signatory",), ("editor",), ("viewer",)),
}
PEOPLE_PER_ORGANISATION = ((1, 0.3), (2, 0.45), (3, 0.17), (4, 0.08))
#: Share of later members who joined during the history rather than at the start.
LATE_JOINER_SHARE = 0.25


@dataclass(eq=False)
class Person:
    """A generated user, as the later stages need them."""

    id: int
    name: str
    email: str
    locale: str
    created: datetime
    #: Has accepted the invitation; a pending one cannot log in or act yet.
    accepted: bool = True


@dataclass(eq=False)
class Org:
    """A generated organisation with its members by role."""

    id: int
    kind: str
    name: str
    business_id: str
    region_code: str
    municipality: str
    language: str
    editors: list[Person] = field(default_factory=list)
    signatories: list[Person] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)


@dataclass(eq=False)
class NetworkInfo:
    """A generated network, its coordinators and the organisations in its area."""

    id: int
    name: str
    region_codes: tuple[str, ...]
    swedish: bool
    coordinators: list[Person] = field(default_factory=list)
    organisations: list[Org] = field(default_factory=list)


@dataclass(eq=False)
class People:
    """Everyone and everything the agreements are made between."""

    organisations: list[Org] = field(default_factory=list)
    networks: list[NetworkInfo] = field(default_factory=list)
    admins: list[Person] = field(default_factory=list)
    coordinators: list[Person] = field(default_factory=list)
    _by_region: dict = field(default_factory=dict)

    @property
    def workshops(self) -> list[Org]:
        """Every youth workshop."""
        return [org for org in self.organisations if org.kind == "workshop"]

    def in_region(self, code: str, kind: str) -> list[Org]:
        """The region's organisations of one kind (indexed on first use)."""
        if not self._by_region:
            for org in self.organisations:
                self._by_region.setdefault((org.region_code, org.kind), []).append(org)
        return self._by_region.get((code, kind), [])

    def regional_network(self, org: Org) -> NetworkInfo | None:
        """The regional (not language) network an organisation belongs to."""
        return next((n for n in self.networks if not n.swedish and org.region_code in n.region_codes), None)


def existing(persons: list[Person], when: datetime) -> list[Person]:
    """The people who had joined by ``when``."""
    return [person for person in persons if person.created <= when]


def unique(persons) -> list[Person]:
    """Each person once, in the order first met."""
    return list({person.id: person for person in persons}.values())


def shares(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` split by ``weights`` into whole numbers that add up (largest remainders)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def ascii_name(text: str) -> str:
    """Lower-case ASCII for an e-mail address: Mäkelä → makela."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


class PeopleBuilder:
    """Builds the people stage's rows; ``people`` holds the result for later stages."""

    def __init__(
        self, writer: RowWriter, notices: Notices, chain: Chain, clock: Clock, seed: str, password: str
    ):
        self.writer, self.notices, self.chain, self.clock = writer, notices, chain, clock
        self.rng = seeded(seed, "people")
        self.password = password
        self.people = People()
        self.regions = {region.code: region.id for region in all_regions()}
        self._emails: set[str] = set()
        self._org_names: set[tuple[str, str]] = set()
        self._business_ids = business_ids()

    def build(self, scale) -> People:
        """Administrators, networks, organisations with their members, and coordinators."""
        self.people.admins = [self._staff("admin", n, None, "fi") for n in range(1, scale.admins + 1)]
        self._networks()
        for kind, total in (("workshop", scale.workshops), ("provider", scale.providers)):
            for code, count in shares(total, POPULATION).items():
                for _ in range(count):
                    self._organisation(kind, code)
        for network in self.people.networks:
            network.organisations = [org for org in self.people.organisations if self._covers(network, org)]
            if network.swedish:
                self._network_members(network)
        self._coordinators(scale.coordinators)
        return self.people

    @staticmethod
    def _covers(network: NetworkInfo, org: Org) -> bool:
        """Whether the organisation is in the network's area (for ULA: Swedish-speaking there, a member)."""
        return org.region_code in network.region_codes and (not network.swedish or org.language == "sv")

    def _staff(self, role: str, number: int, inviter: Person | None, language: str) -> Person:
        """A national administrator or a coordinator with a memorable address, e.g. admin-1@…."""
        created = self.clock.start + days(
            self.rng.uniform(0, 1) if role == "admin" else self.rng.uniform(1, 5)
        )
        return self._user(
            self._person_name(language),
            language,
            created,
            inviter,
            email=f"{role}-{number}@{EMAIL_DOMAIN}",
            admin=role == "admin",
        )

    def _person_name(self, language: str) -> str:
        """A first and a last name common in ``language``."""
        return f"{self.rng.choice(FIRST_NAMES[language])} {self.rng.choice(LAST_NAMES[language])}"

    def _email(self, name: str) -> str:
        """firstname.lastname@…, numbered when the name is taken."""
        base = ".".join(ascii_name(part) for part in name.split())
        email, number = f"{base}@{EMAIL_DOMAIN}", 1
        while email in self._emails:
            number += 1
            email = f"{base}.{number}@{EMAIL_DOMAIN}"
        return email

    def invite_signer(self, org: Org, when: datetime, inviter: Person, accepted: datetime | None) -> Person:
        """A person from outside ``org`` invited by e-mail to sign for it, without a membership, as
        accounts.operations.invite_user records it; they accept at ``accepted`` (None: not yet)."""
        language = org.language
        person = self._account(self._person_name(language), language, when, inviter, pending=accepted is None)
        self._invitation(person, inviter, accepted, {"organisation_id": None, "role": None})
        return person

    def _user(self, name, language, created, inviter, email=None, admin=False, pending=False) -> Person:
        """One user row, its invitation (mail and audit) and, unless pending, its acceptance."""
        person = self._account(name, language, created, inviter, email, admin, pending)
        self._invitation(person, inviter)
        return person

    def _account(self, name, language, created, inviter, email=None, admin=False, pending=False) -> Person:
        """One user row."""
        locale = "en" if self.rng.random() < 0.02 else language
        person = Person(
            self.writer.new_id("users"), name, email or self._email(name), locale, created, not pending
        )
        self._emails.add(person.email)
        last_login = self.clock.between(self.rng, created, self.clock.now) if not pending else None
        self.writer.add(
            "users",
            {
                "id": person.id,
                "email": person.email,
                "name": name,
                "password_hash": None if pending else self.password,
                "locale": locale,
                "active": True,
                "is_admin": admin,
                "last_login_at": last_login,
                "invited_at": created,
                "invited_by_id": inviter.id if inviter else None,
                "calendar_feed_generation": 0,
                "created_at": created,
            },
        )
        return person

    def _invitation(self, person: Person, inviter: Person | None, accepted=None, details=None) -> None:
        """The invitation a user was sent (mail and audit) and, unless still pending, accepted (at
        ``accepted`` when given); ``details`` are more details of the invitation's event."""
        actor = inviter.id if inviter else None
        details = {"email": person.email, **(details or {})}
        self.chain.add(person.created, "user.invite", "users", person.id, actor, details)
        params = {"inviter": inviter.name if inviter else "Sopimuspolku", "link": self.notices.links("login")}
        self.notices.mail(self.rng, person, "invitation", person.created, params, caused_by=actor)
        if person.accepted:
            accepted = accepted or person.created + days(self.rng.uniform(0.01, 2))
            self.chain.add(accepted, "account.invitation_accepted", "users", person.id, person.id)

    def _networks(self) -> None:
        """The regional networks, each created with its regions, and ULA, a membership network (its members
        come with the organisations)."""
        admin = self.people.admins[0]
        created = self.clock.start + days(1)
        for name, description, codes, swedish in NETWORKS:
            network = NetworkInfo(self.writer.new_id("networks"), name, codes, swedish)
            self.people.networks.append(network)
            kind = "membership" if swedish else "regional"
            self.writer.add(
                "networks",
                {
                    "id": network.id,
                    "name": name,
                    "description": description,
                    "active": True,
                    "kind": kind,
                    "created_at": created,
                },
            )
            regions = () if swedish else codes
            for code in regions:
                self.writer.add(
                    "network_regions", {"network_id": network.id, "region_id": self.regions[code]}
                )
            details = {"name": name, "description": description, "kind": kind, "regions": list(regions)}
            self.chain.add(created, "network.create", "networks", network.id, admin.id, details)

    def _network_members(self, network: NetworkInfo) -> None:
        """A membership network's members: the organisations it covers, added by an administrator once each
        was created."""
        for org in network.organisations:
            self.writer.add("network_members", {"network_id": network.id, "organisation_id": org.id})
        added = [{"id": org.id, "name": org.name} for org in network.organisations]
        when = self.clock.start + days(51)  # after the last organisation was created
        admin = self.people.admins[0]
        self.chain.add(when, "network.members_add", "networks", network.id, admin.id, {"added": added})

    def _organisation(self, kind: str, code: str) -> None:
        """One organisation in region ``code``, audited as created by an administrator, with its members."""
        language = "sv" if self.rng.random() < SWEDISH_SHARE.get(code, 0) else "fi"
        municipality, name = self._org_name(kind, code, language)
        org = Org(
            self.writer.new_id("organisations"),
            kind,
            name,
            next(self._business_ids),
            code,
            municipality,
            language,
        )
        created = self.clock.start + days(self.rng.uniform(2, 50))
        row = {
            "id": org.id,
            "kind": kind,
            "name": name,
            "business_id": org.business_id,
            "region_id": self.regions[code],
            "municipality": municipality,
            "language": language,
            "active": True,
            "created_at": created,
        }
        self.writer.add("organisations", row)
        details = {
            key: row[key] for key in ("kind", "name", "business_id", "region_id", "municipality", "language")
        }
        self.chain.add(
            created, "organisation.create", "organisations", org.id, self.people.admins[0].id, details
        )
        self.people.organisations.append(org)
        self._members(org, created)

    def _org_name(self, kind: str, code: str, language: str) -> tuple[str, str]:
        """A municipality and a name not yet used there."""
        places = [(fi, sv) for fi, sv in MUNICIPALITIES[code] if language == "fi" or sv]
        prefixes = (WORKSHOP_PREFIXES if kind == "workshop" else PROVIDER_PREFIXES)[language]
        while True:
            fi, sv = self.rng.choice(places)
            municipality = sv if language == "sv" else fi
            name = f"{self.rng.choice(prefixes)} {self.rng.choice(NAME_WORDS[language])}"
            if (name, municipality) not in self._org_names:
                self._org_names.add((name, municipality))
                return municipality, name

    def _members(self, org: Org, created: datetime) -> None:
        """The organisation's people: the first two from the start, later ones possibly during the history."""
        size = weighted(self.rng, PEOPLE_PER_ORGANISATION)
        for position, roles in enumerate(ROLE_SETS[size]):
            joined = created + days(self.rng.uniform(0, 5))
            late = position >= 2 and self.rng.random() < LATE_JOINER_SHARE
            if late:
                joined = self.clock.between(self.rng, self.clock.start + days(60), self.clock.now - days(1))
            pending = late and "viewer" in roles and joined > self.clock.now - days(30)
            inviter = self.rng.choice(self.people.admins)
            person = self._user(
                self._person_name(org.language), org.language, joined, inviter, pending=pending
            )
            if position == 0 and size > 1 and self.rng.random() < 0.15:
                roles = (*roles, "signatory")
            for role in roles:
                self._membership(org, person, role)
            org.members.append(person)

    def _membership(self, org: Org, person: Person, role: str) -> None:
        """A role of ``person`` in ``org``."""
        self.writer.add(
            "memberships",
            {
                "id": self.writer.new_id("memberships"),
                "user_id": person.id,
                "organisation_id": org.id,
                "role": role,
                "created_at": person.created,
            },
        )
        if role == "editor":
            org.editors.append(person)
        elif role == "signatory" and person.accepted:
            org.signatories.append(person)

    def _coordinators(self, count: int) -> None:
        """Coordinators for the networks, the largest first; some coordinate two networks."""
        networks = sorted(self.people.networks, key=lambda n: -len(n.organisations))
        admin = self.people.admins[0]
        for number in range(1, count + 1):
            theirs = [networks[(number - 1) % len(networks)]]
            person = self._staff("coordinator", number, admin, "sv" if theirs[0].swedish else "fi")
            if number > len(networks) and self.rng.random() < 0.3:
                theirs.append(self.rng.choice(networks))
            theirs = list(dict.fromkeys(theirs))
            for network in theirs:
                network.coordinators.append(person)
                self.writer.add("coordinator_networks", {"user_id": person.id, "network_id": network.id})
            details = {"added": sorted(n.name for n in theirs), "removed": []}
            self.chain.add(person.created, "user.coordinator_networks", "users", person.id, admin.id, details)
            self.people.coordinators.append(person)
