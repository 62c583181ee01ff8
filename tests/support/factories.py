"""Factories of the suite's objects, as plain functions: fixtures of any scope can call them.

Each commits what it made, as the application would, and returns it. The fixtures ``make_organisation``,
``make_user``, ``make_network``, ``make_template_version`` and ``make_agreement`` hand them to tests.
"""

import itertools
from datetime import date

from sqlalchemy import select

from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import (
    Language,
    Network,
    NetworkKind,
    Organisation,
    OrganisationKind,
    Region,
)
from agreements.templates_lib import operations as template_operations
from agreements.templates_lib.models import TemplateSource, TemplateVersion
from tests.support.template_package import docx_for, manifest, package

PASSWORD = "Pajasopimus-2026!"
WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER

#: Field values for the test package's manifest, as stored in an agreement version.
SAMPLE_VALUES = {
    "instructor": "Maija Ohjaaja",
    "duties": "Perehdytys & työturvallisuus <tärkeä>\nToinen rivi",
    "first_day": "2026-08-10",
    "places": 3,
    "fee": "120.50",
    "billing": "monthly",
    "insured": True,
    "units": [{"name": "Puusepänalan perustutkinto", "students": 2}],
}

_counter = itertools.count(1)
_password_hashes: dict[str, str] = {}
#: Checksums of the packages whose check has passed once in this run (see make_template_version).
_checked_packages: set[str] = set()


def region(code: str = "06") -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06", name=None, **fields) -> Organisation:
    """An organisation of the given kind in the given region (Pirkanmaa by default)."""
    n = next(_counter)
    organisation = Organisation(
        kind=kind,
        name=name or f"{'Työpaja' if kind == OrganisationKind.WORKSHOP else 'Oppilaitos'} {n}",
        business_id=fields.pop("business_id", "0737546-2"),
        region=region(region_code),
        municipality=fields.pop("municipality", "Tampere"),
        language=fields.pop("language", Language.FI),
        **fields,
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_user(organisation=None, role=MembershipRole.EDITOR, admin=False, networks=(), **fields) -> User:
    """An active user (English interface unless told) with the test password, roles and networks."""
    n = next(_counter)
    user = User(
        email=fields.pop("email", f"user{n}@example.fi"),
        name=fields.pop("name", f"Testi Käyttäjä {n}"),
        locale=fields.pop("locale", UILanguage.EN),
        is_admin=admin,
        **fields,
    )
    if "password_hash" not in fields:
        user.password_hash = hashed(PASSWORD)
    if organisation is not None:
        user.memberships.append(Membership(organisation=organisation, role=role))
    user.coordinated_networks.extend(networks)
    db.session.add(user)
    db.session.commit()
    return user


def hashed(password: str) -> str:
    """The password's hash, made once per run: hashing is slow on purpose."""
    if password not in _password_hashes:
        probe = User(email="x", name="x")
        probe.set_password(password)
        _password_hashes[password] = probe.password_hash
    return _password_hashes[password]


def make_network(name=None, region_codes=("06",), members=None) -> Network:
    """A regional network covering the given region codes; with ``members``, a membership network of them."""
    network = Network(name=name or f"ALU-verkosto {next(_counter)}")
    if members is None:
        network.regions.extend(region(code) for code in region_codes)
    else:
        network.kind = NetworkKind.MEMBERSHIP
        network.members.extend(members)
    db.session.add(network)
    db.session.commit()
    return network


def make_template_version(key="test_template", kind="bilateral", manifest_dict=None):
    """A stored template version from the test package (every field type), or a given manifest.

    It is stored by the application's own ``add_template_version``. The package check that runs first
    (parsing and test-rendering both documents: most of the time a stored version takes) runs in full
    the first time each package is stored in the run; after that the same bytes are known to pass.
    Tests of the check itself upload or sync packages through the application, never through here.
    """
    manifest_bytes, documents = package(manifest_dict or manifest(key, kind))
    real_check = template_operations.check_package

    def check_once(checked_manifest: dict, checked_documents: dict) -> None:
        checksum = template_operations.package_checksum(checked_manifest, checked_documents)
        if checksum not in _checked_packages:
            real_check(checked_manifest, checked_documents)
            _checked_packages.add(checksum)

    template_operations.check_package = check_once
    try:
        version, _created = template_operations.add_template_version(
            manifest_bytes, documents, TemplateSource.SHIPPED
        )
    finally:
        template_operations.check_package = real_check
    db.session.commit()
    return version


def next_template_version(template_version, finnish_paragraphs: tuple[str, ...], checksum: str):
    """A further version of ``template_version`` stored as it is, without the package check, whose Finnish
    document has ``finnish_paragraphs`` added (e.g. one stored before a check existed)."""
    version = TemplateVersion(
        template=template_version.template,
        number=template_version.number + 1,
        manifest=template_version.manifest,
        docx_fi=docx_for(manifest(), "fi", finnish_paragraphs),
        docx_sv=template_version.docx_sv,
        checksum=checksum,
        source=TemplateSource.UPLOADED,
    )
    db.session.add(version)
    db.session.commit()
    return version


def make_agreement(
    owner=None,
    providers=(),
    status=AgreementStatus.DRAFT,
    template_version=None,
    created_by=None,
    title="Yhteistyösopimus työelämässä oppimisesta",
    values=None,
    language=Language.FI,
    **dates,
) -> Agreement:
    """An agreement with one version, owned by a workshop, with the given providers and status."""
    owner = owner or make_organisation(kind=OrganisationKind.WORKSHOP)
    providers = list(providers) or [make_organisation(kind=OrganisationKind.PROVIDER)]
    template_version = template_version or make_template_version()
    n = next(_counter)
    header = {
        "title": title,
        "start_date": dates.get("start_date", date(2026, 8, 1)),
        "end_date": dates.get("end_date", date(2027, 7, 31)),
        "notice_period_months": dates.get("notice_period_months", 3),
        "auto_renew": dates.get("auto_renew", False),
    }
    agreement = Agreement(
        reference=f"SOP-2026-{n:04d}",
        status=status,
        template_version=template_version,
        language=language,
        owner=owner,
        created_by_id=created_by.id if created_by else None,
        current_version_number=1,
        parties=[owner, *providers],
        **header,
    )
    agreement.versions.append(
        AgreementVersion(
            number=1,
            created_by_id=created_by.id if created_by else None,
            change_note="",
            party_ids=[owner.id, *(p.id for p in providers)],
            values=dict(SAMPLE_VALUES if values is None else values),
            **header,
        )
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement
