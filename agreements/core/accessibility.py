"""The accessibility statement's facts kept in code: its date and the known gaps (law 306/2019).

The browser tests fail on any axe-core violation whose rule is not listed in ``KNOWN_GAPS``, and the
statement page lists every gap here, so the statement and the tested pages cannot drift apart.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString

#: The day the statement was made or last brought up to date; change it whenever its content changes.
STATEMENT_UPDATED = date(2026, 12, 7)

#: Days within which feedback on accessibility gets an answer (law 306/2019, section 15).
ANSWER_DAYS = 14


@dataclass(frozen=True)
class KnownGap:
    """A known failure of WCAG 2.1 AA: the axe-core rule ids that find it, and what it means for a user."""

    rule_ids: tuple[str, ...]
    description: LazyString


#: Every known accessibility gap of the service. Empty: the browser tests find no axe-core violation.
KNOWN_GAPS: tuple[KnownGap, ...] = ()


def known_gap_rules(gaps: tuple[KnownGap, ...] = KNOWN_GAPS) -> frozenset[str]:
    """The axe-core rule ids of ``gaps``: the violations the browser tests tolerate."""
    return frozenset(rule for gap in gaps for rule in gap.rule_ids)


#: The supervising authority's site for accessibility requirements, in each interface language.
SUPERVISOR_SITES = {
    "fi": "https://www.saavutettavuusvaatimukset.fi",
    "sv": "https://www.tillganglighetskrav.fi",
    "en": "https://www.webaccessibility.fi",
}
SUPERVISOR_EMAIL = "saavutettavuus@traficom.fi"
SUPERVISOR_PHONE = "029 534 5000"
