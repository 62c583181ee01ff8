"""The accessibility statement (law 306/2019): open to anyone in every language, linked from every page,
listing every known gap, the feedback address and the supervising authority."""

import pytest
from flask import render_template, session
from flask_babel import lazy_gettext as _l

from agreements.core.accessibility import KNOWN_GAPS, STATEMENT_UPDATED, KnownGap
from agreements.home.views import statement_context

STATEMENT = "/accessibility"
FOOTER_LINK = f'<a href="{STATEMENT}">'

#: Per language: the page's heading, the supervising authority's site and what the feedback promise says.
IN_LANGUAGE = {
    "fi": ("Saavutettavuusseloste", "www.saavutettavuusvaatimukset.fi", "Vastaamme 14 päivän kuluessa."),
    "sv": ("Tillgänglighetsutlåtande", "www.tillganglighetskrav.fi", "Vi svarar inom 14 dagar."),
    "en": ("Accessibility statement", "www.webaccessibility.fi", "We answer within 14 days."),
}


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_the_statement_is_open_without_login_in_each_language(app, locale):
    client = app.test_client()
    client.post("/language", data={"locale": locale})
    response = client.get(STATEMENT)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    heading, site, answer = IN_LANGUAGE[locale]
    assert f'<html lang="{locale}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'<a href="https://{site}">{site}</a>' in page
    assert answer in page
    assert "saavutettavuus@traficom.fi" in page
    assert STATEMENT_UPDATED.strftime("%-d.%-m.%Y") in page


def test_the_statement_gives_the_configured_feedback_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_FEEDBACK_EMAIL", "palaute@tyopajat.example")
    page = client.get(STATEMENT).get_data(as_text=True)
    assert '<a href="mailto:palaute@tyopajat.example">palaute@tyopajat.example</a>' in page


def test_the_statement_lists_every_known_gap_or_says_there_is_none(client):
    page = client.get(STATEMENT).get_data(as_text=True)
    for gap in KNOWN_GAPS:
        assert str(gap.description) in page
        assert ", ".join(gap.rule_ids) in page
    assert ("No accessibility gaps are known at the moment." in page) == (not KNOWN_GAPS)


def test_a_known_gap_is_shown_with_its_axe_rules_and_the_status_becomes_partial(app):
    gap = KnownGap(("color-contrast", "link-in-text-block"), _l("Some links are hard to tell from text."))
    with app.test_request_context(STATEMENT):
        session["locale"] = "en"
        none_known = render_template("home/accessibility.html", **statement_context(()))
        one_known = render_template("home/accessibility.html", **statement_context((gap,)))
    assert "No accessibility gaps are known" in none_known and "partially meets" not in none_known
    assert "Some links are hard to tell from text. " in one_known
    assert "axe-core rule: color-contrast, link-in-text-block" in one_known
    assert "partially meets" in one_known and "No accessibility gaps are known" not in one_known


def test_every_page_links_to_the_statement_in_its_footer(client, login, make_user):
    for path in ("/login", "/password/forgot", STATEMENT, "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert FOOTER_LINK in page.split("<footer", 1)[1], path
    login(client, make_user())
    for path in ("/", "/account", "/agreements/"):
        page = client.get(path).get_data(as_text=True)
        assert FOOTER_LINK in page.split("<footer", 1)[1], path
