"""The demo's fictional organisations, its networks and its users, as plain data.

Every organisation name is invented; any likeness to a real workshop or provider is accidental.
"""

from dataclasses import dataclass

from agreements.accounts.models import MembershipRole
from agreements.organisations.models import Language, OrganisationKind

#: Regional networks by AVI area, plus ULA, the membership network of Swedish-speaking and bilingual
#: workshops, which has no regions but members (ULA_MEMBERS). Åland belongs to no AVI area network.
#: (name, description, region codes)
NETWORKS = [
    ("ALU Etelä-Suomi", "Etelä-Suomen aluehallintoviraston alue", ("01", "05", "07", "08", "09")),
    ("ALU Lounais-Suomi", "Lounais-Suomen aluehallintoviraston alue", ("02", "04")),
    (
        "ALU Länsi- ja Sisä-Suomi",
        "Länsi- ja Sisä-Suomen aluehallintoviraston alue",
        ("06", "13", "14", "15", "16"),
    ),
    ("ALU Itä-Suomi", "Itä-Suomen aluehallintoviraston alue", ("10", "11", "12")),
    ("ALU Pohjois-Suomi", "Pohjois-Suomen aluehallintoviraston alue", ("17", "18")),
    ("ALU Lappi", "Lapin aluehallintoviraston alue", ("19",)),
    (
        "ULA – svenskspråkiga och tvåspråkiga verkstäder",
        "Nätverket för svenskspråkiga och tvåspråkiga ungdomsverkstäder",
        (),
    ),
]

#: The demo's membership network.
ULA = "ULA – svenskspråkiga och tvåspråkiga verkstäder"

FI, SV = Language.FI, Language.SV
SIGNATORY = MembershipRole.SIGNATORY

#: (name, municipality, region code, language)
WORKSHOPS = [
    ("Työpaja Tervaleppä", "Helsinki", "01", FI),
    ("Työpaja Kuusenkerkkä", "Espoo", "01", FI),
    ("Nuorten paja Ruiskukka", "Vantaa", "01", FI),
    ("Ungdomsverkstaden Strandråg", "Borgå", "01", SV),
    ("Nuorten paja Vaahtera", "Hämeenlinna", "05", FI),
    ("Työpaja Lehmus", "Lahti", "07", FI),
    ("Paja Kaisla", "Kotka", "08", FI),
    ("Työpaja Katajanmarja", "Lappeenranta", "09", FI),
    ("Työpaja Merituuli", "Turku", "02", FI),
    ("Verkstaden Skärgårdsbris", "Pargas", "02", SV),
    ("Työpaja Pihlajanmarja", "Salo", "02", FI),
    ("Työpaja Kallioleinikki", "Pori", "04", FI),
    ("Työpaja Pitsiniekka", "Rauma", "04", FI),
    ("Työpaja Nokkonen", "Tampere", "06", FI),
    ("Työpaja Kanerva", "Nokia", "06", FI),
    ("Paja Mustikka", "Jyväskylä", "13", FI),
    ("Työpaja Sinivuokko", "Äänekoski", "13", FI),
    ("Työpaja Kurjenpolvi", "Seinäjoki", "14", FI),
    ("Verkstaden Havtorn", "Vasa", "15", SV),
    ("Verkstaden Lärkan", "Jakobstad", "15", SV),
    ("Työpaja Kiuru", "Kokkola", "16", FI),
    ("Työpaja Suopursu", "Mikkeli", "10", FI),
    ("Työpaja Koivunlehti", "Kuopio", "11", FI),
    ("Työpaja Lumme", "Iisalmi", "11", FI),
    ("Työpaja Kieloniitty", "Joensuu", "12", FI),
    ("Työpaja Lakka", "Oulu", "17", FI),
    ("Työpaja Pohjantähti", "Raahe", "17", FI),
    ("Työpaja Kuikka", "Kajaani", "18", FI),
    ("Työpaja Tunturikoivu", "Rovaniemi", "19", FI),
    ("Ungdomsverkstaden Sjöbris", "Mariehamn", "21", SV),
]

#: (name, municipality, region code, language)
PROVIDERS = [
    ("Uudenmaan Taitoakatemia", "Helsinki", "01", FI),
    ("Kaakon taito-opisto", "Kotka", "08", FI),
    ("Yrkesskolan Ankaret", "Åbo", "02", SV),
    ("Lounaisväylän ammattiopisto", "Pori", "04", FI),
    ("Järvimaan ammattiopisto", "Tampere", "06", FI),
    ("Harjurinteen ammattiopisto", "Jyväskylä", "13", FI),
    ("Lakeuden taitokoulu", "Seinäjoki", "14", FI),
    ("Yrkesinstitutet Kustvind", "Vasa", "15", SV),
    ("Koillisrinteen ammattiopisto", "Kuopio", "11", FI),
    ("Vaarojen ammattiopisto", "Joensuu", "12", FI),
    ("Pohjoistuulen ammattiopisto", "Oulu", "17", FI),
    ("Tunturilaakson ammattiopisto", "Rovaniemi", "19", FI),
]

#: ULA's members: the Swedish-speaking workshops and providers above, wherever they are (Uusimaa,
#: Varsinais-Suomi, Ostrobothnia, Åland), and a bilingual Helsinki provider that teaches in both languages.
ULA_MEMBERS = [name for name, _municipality, _code, language in WORKSHOPS + PROVIDERS if language == SV] + [
    "Uudenmaan Taitoakatemia"
]

#: The organisations the demo's members belong to (names from the lists above).
DEMO_WORKSHOP = "Työpaja Nokkonen"
DEMO_PROVIDER = "Järvimaan ammattiopisto"


@dataclass(frozen=True)
class DemoUser:
    """One demo login: who it is and what it may do."""

    email: str
    name: str
    #: Printed in the login table.
    role_label: str
    admin: bool = False
    organisation: str | None = None
    role: MembershipRole | None = None
    networks: tuple[str, ...] = ()
    #: The interface language of a new account.
    locale: str = "fi"


#: One user per role.
USERS = [
    DemoUser("admin@demo.sopimuspolku.fi", "Aino Ylläpitäjä", "National administrator", admin=True),
    DemoUser(
        "coordinator@demo.sopimuspolku.fi",
        "Kalle Koordinaattori",
        "ALU coordinator",
        networks=("ALU Länsi- ja Sisä-Suomi", "ULA – svenskspråkiga och tvåspråkiga verkstäder"),
    ),
    DemoUser(
        "workshop-admin@demo.sopimuspolku.fi",
        "Paula Pääkäyttäjä",
        "Workshop administrator",
        organisation=DEMO_WORKSHOP,
        role=MembershipRole.ADMIN,
    ),
    DemoUser(
        "workshop-editor@demo.sopimuspolku.fi",
        "Eeva Editori",
        "Workshop editor",
        organisation=DEMO_WORKSHOP,
        role=MembershipRole.EDITOR,
    ),
    DemoUser(
        "workshop-signatory@demo.sopimuspolku.fi",
        "Sakari Allekirjoittaja",
        "Workshop signatory",
        organisation=DEMO_WORKSHOP,
        role=MembershipRole.SIGNATORY,
    ),
    DemoUser(
        "workshop-viewer@demo.sopimuspolku.fi",
        "Veera Katselija",
        "Workshop viewer",
        organisation=DEMO_WORKSHOP,
        role=MembershipRole.VIEWER,
    ),
    DemoUser(
        "provider-editor@demo.sopimuspolku.fi",
        "Olli Opettaja",
        "Provider editor",
        organisation=DEMO_PROVIDER,
        role=MembershipRole.EDITOR,
    ),
    DemoUser(
        "provider-signatory@demo.sopimuspolku.fi",
        "Riitta Rehtori",
        "Provider signatory",
        organisation=DEMO_PROVIDER,
        role=MembershipRole.SIGNATORY,
    ),
]

#: Signatories of the other organisations asked to join the demo commitment (not in the login table).
SIGNATORIES = [
    DemoUser(
        f"{email}@demo.sopimuspolku.fi",
        name,
        "Signatory",
        organisation=organisation,
        role=SIGNATORY,
        locale=locale,
    )
    for email, name, organisation, locale in (
        ("pirjo.kanerva", "Pirjo Koskinen", "Työpaja Kanerva", "fi"),
        ("markus.mustikka", "Markus Heikkinen", "Paja Mustikka", "fi"),
        ("leena.lakeus", "Leena Hakala", "Lakeuden taitokoulu", "fi"),
        ("johanna.havtorn", "Johanna Björk", "Verkstaden Havtorn", "sv"),
        ("timo.harjurinne", "Timo Rantala", "Harjurinteen ammattiopisto", "fi"),
    )
]


@dataclass(frozen=True)
class Answer:
    """How an organisation answers the demo commitment: days after it was sent, or after it was invited."""

    organisation: str
    #: "join", "decline", or "none" (not answered yet).
    answer: str
    day: int = 0
    #: Days after sending when the organisation was invited; 0: with the first ones.
    invited_day: int = 0


#: The demo commitment of the demo coordinator's network, drafted by the demo workshop: several organisations
#: have joined, one declined, one has not answered and one was invited late (and joined).
COMMITMENT = {
    "title": "Sitoumus yhteistyön linjauksiin – ALU Länsi- ja Sisä-Suomi",
    "owner": DEMO_WORKSHOP,
    "network": "ALU Länsi- ja Sisä-Suomi",
    "message": "Hei, liittykää alueemme yhteistyön linjauksiin allekirjoittamalla sitoumus. Kiitos!",
    "decline_reason": "Hallitus käsittelee sitoumuksen vasta syksyllä; palaamme asiaan silloin.",
    #: The decision that approved the commitment before it was opened for joining, days before sending.
    "approval": {
        "body": "ALU Länsi- ja Sisä-Suomen ohjausryhmä",
        "minutes": "Muistio 3/%(year)s, § 4",
        "days_before": 6,
    },
    "values": {
        "network_name": "Länsi- ja Sisä-Suomen työpajojen ja ammatillisen koulutuksen yhteistyöverkosto",
        "region_name": "Pirkanmaa, Keski-Suomi, Etelä-Pohjanmaa, Pohjanmaa ja Keski-Pohjanmaa",
        "coordinator_name": "Kalle Koordinaattori",
        "coordinator_organisation": DEMO_WORKSHOP,
        "coordinator_contact": "coordinator@demo.sopimuspolku.fi, 040 123 4567",
        "followup_frequency": "twice_a_year",
        "annual_report": True,
        "additional_commitments": "Työpaikkaohjaajakoulutus järjestetään kerran vuodessa yhdessä.",
    },
    "answers": [
        Answer(DEMO_WORKSHOP, "join", 1),
        Answer(DEMO_PROVIDER, "join", 6),
        Answer("Työpaja Kanerva", "join", 9),
        Answer("Lakeuden taitokoulu", "decline", 12),
        Answer("Paja Mustikka", "join", 15),
        Answer("Verkstaden Havtorn", "none"),
        Answer("Harjurinteen ammattiopisto", "join", 58, invited_day=50),
    ],
}

ORGANISATIONS = [(OrganisationKind.WORKSHOP, *row) for row in WORKSHOPS] + [
    (OrganisationKind.PROVIDER, *row) for row in PROVIDERS
]
