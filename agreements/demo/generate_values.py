"""Titles and field values of generated agreements, valid for the shipped templates' manifests, and how a
later version changes them."""

import copy
from random import Random

from agreements.core.dates import add_months
from agreements.demo.generate_clock import local_day
from agreements.demo.generate_places import STREETS
from agreements.demo.generate_texts import (
    ACTIVITIES,
    ADDITIONAL_COMMITMENTS,
    AND_OTHERS,
    CHANGE_NOTES,
    COMPENSATION_CASES,
    CONTACT_ROLES,
    GOALS,
    JOB_TITLES,
    QUALIFICATIONS,
    RATE_DESCRIPTIONS,
    TITLES,
)

#: The templates `flask templates sync` ships, which generated agreements are made on.
TEMPLATE_KEYS = ("cooperation", "compensation_annex", "commitment")


def title(plan) -> str:
    """E.g. "Yhteistyösopimus: Työpaja Kanerva – Ammattiopisto Kataja"."""
    language = plan.language
    if plan.key == "commitment":
        return f"{TITLES['commitment'][language]} – {plan.network.name}"[:200]
    providers = [org.name for org in plan.parties[1:]]
    others = f" {AND_OTHERS[language]}" if len(providers) > 1 else ""
    return f"{TITLES[plan.key][language]}: {plan.owner.name} – {providers[0]}{others}"[:200]


def phone(rng: Random) -> str:
    """A Finnish mobile number."""
    return f"04{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def contact_person(rng: Random, org):
    """A person to name as an organisation's contact: an editor, else any member."""
    return rng.choice(org.editors or org.members)


def initial_values(plan, rng: Random, region_names: dict) -> dict:
    """Version 1's values for the plan's template."""
    if plan.key == "cooperation":
        return _cooperation(plan, rng)
    if plan.key == "compensation_annex":
        return _annex(plan, rng)
    return _commitment(plan, rng, region_names)


def _cooperation(plan, rng: Random) -> dict:
    """Values of the cooperation agreement template."""
    language, owner = plan.language, plan.owner
    rows = [
        {"qualification": q, "units": units, "max_students": rng.randint(1, 4)}
        for q, units in rng.sample(QUALIFICATIONS[language], rng.randint(1, 3))
    ]
    compensated = rng.random() < 0.2
    street = (
        f"{rng.choice(STREETS[language])} {rng.randint(1, 40)}, {rng.randint(10, 99)}{rng.randint(100, 999)}"
    )
    return {
        "cooperation_goals": rng.choice(GOALS[language]) if rng.random() < 0.5 else None,
        "workshop_site": f"{owner.name}, {street} {owner.municipality}",
        "workshop_activities": "\n".join(rng.sample(ACTIVITIES[language], rng.randint(1, 3))),
        "qualifications": rows,
        "max_students_total": min(100, sum(row["max_students"] for row in rows)),
        "teacher_visit_frequency": rng.choice(("every_two_weeks", "monthly", "monthly", "per_period")),
        "instructor_training_free": rng.random() < 0.85,
        "workplace_instructors": [_instructor(rng, owner, language) for _ in range(rng.randint(1, 3))],
        "contacts": [_contact(rng, org, language) for org in plan.parties],
        "compensation_agreed": compensated,
        "compensation_amount": f"{rng.randint(5, 40) * 10}.00" if compensated else None,
        "compensation_basis": rng.choice(("per_student_month", "per_student_day")) if compensated else None,
        "invoicing_terms": None,
    }


def _instructor(rng: Random, owner, language: str) -> dict:
    """A workplace instructor row: one of the workshop's people."""
    person = rng.choice(owner.members)
    return {"name": person.name, "job_title": rng.choice(JOB_TITLES[language]), "area": None}


def _contact(rng: Random, org, language: str) -> dict:
    """A contact person row for a party."""
    person = contact_person(rng, org)
    return {
        "organisation": org.name,
        "name": person.name,
        "role": CONTACT_ROLES[org.kind][language],
        "phone": phone(rng),
        "email": person.email,
    }


def _annex(plan, rng: Random) -> dict:
    """Values of the compensation annex: its main agreement, cases, rates and invoicing."""
    language, provider = plan.language, plan.parties[1]
    contact = contact_person(rng, provider)
    units = ("per_student_month", "per_student_day", "per_hour", "lump_sum")
    return {
        "main_agreement_reference": plan.main.reference,
        "main_agreement_date": local_day(plan.main.signed_at).isoformat(),
        "compensated_cases": "\n".join(rng.sample(COMPENSATION_CASES[language], rng.randint(1, 2))),
        "rates": [
            {"description": description, "unit": rng.choice(units), "amount": f"{rng.randint(3, 60) * 5}.00"}
            for description in rng.sample(RATE_DESCRIPTIONS[language], rng.randint(1, 3))
        ],
        "vat_treatment": rng.choice(("no_vat", "no_vat", "vat_added", "vat_included")),
        "annual_cap": f"{rng.randint(2, 20) * 1000}.00" if rng.random() < 0.4 else None,
        "invoicing_period": rng.choice(("monthly", "quarterly", "per_term", "after_period")),
        "payment_term_days": rng.choice((14, 21, 21, 30)),
        "invoicing_contact": f"{contact.name}, {contact.email}",
        "invoicing_address": f"0037{provider.business_id.replace('-', '')}" if rng.random() < 0.6 else None,
        "invoice_reference": None,
    }


def _commitment(plan, rng: Random, region_names: dict) -> dict:
    """Values of the commitment: the network, its area and coordinator, follow-up."""
    language, network = plan.language, plan.network
    coordinator = rng.choice(network.coordinators or plan.owner.editors)
    regions = ", ".join(region_names[code][language] for code in network.region_codes)
    return {
        "network_name": network.name,
        "region_name": regions,
        "coordinator_name": coordinator.name,
        "coordinator_organisation": plan.owner.name,
        "coordinator_contact": f"{coordinator.email}, {phone(rng)}",
        "followup_frequency": rng.choice(("quarterly", "twice_a_year", "twice_a_year", "yearly")),
        "first_followup_date": add_months(plan.start, 3).isoformat() if rng.random() < 0.6 else None,
        "annual_report": rng.random() < 0.8,
        "additional_commitments": "\n".join(rng.sample(ADDITIONAL_COMMITMENTS[language], 2))
        if rng.random() < 0.5
        else None,
    }


def revised(plan, rng: Random, values: dict) -> dict:
    """The values of the next version: one field changed, as a drafter's edit would."""
    values = copy.deepcopy(values)
    if plan.key == "cooperation":
        values["max_students_total"] = max(1, min(100, values["max_students_total"] + rng.choice((-1, 1, 2))))
        values["teacher_visit_frequency"] = rng.choice(("every_two_weeks", "monthly", "per_period"))
    elif plan.key == "compensation_annex":
        values["payment_term_days"] = rng.choice((14, 21, 30, 45))
    else:
        values["followup_frequency"] = rng.choice(("quarterly", "twice_a_year", "yearly"))
        values["annual_report"] = not values["annual_report"]
    return values


def change_note(rng: Random, language: str) -> str:
    """What an editor wrote about their change."""
    return rng.choice(CHANGE_NOTES[language])
