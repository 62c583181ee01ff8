"""Lazily translated texts through the page's translations read as ``str`` reads them, in each language; the
templates' ``_`` translates and formats as Jinja's own new-style gettext does."""

import pytest
from flask import render_template_string
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from agreements.core.i18n import page_text
from agreements.drafting.models import AgreementStatus


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_a_lazy_text_reads_as_str_reads_it(app, locale):
    with app.test_request_context(), force_locale(locale):
        for status in AgreementStatus:
            lazy = AgreementStatus.titles()[status]
            assert page_text(lazy) == str(lazy) == status.title
        with_variables = _l("Status: %(status)s", status="x")
        assert page_text(with_variables) == str(with_variables)


def test_a_plain_value_is_made_str(app):
    with app.test_request_context():
        assert page_text("Luonnos") == "Luonnos"
        assert page_text(AgreementStatus.DRAFT) == "draft"


def test_outside_the_app_a_lazy_text_is_its_source():
    assert page_text(_l("Draft")) == "Draft"


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_a_templates_gettext_escapes_its_variables_and_not_its_text(app, locale):
    source = '{{ _("Status: %(status)s", status=value) }}|{{ gettext("Draft") }}|{{ _("100%% sure") }}'
    with app.test_request_context(), force_locale(locale):
        page = render_template_string(source, value="<b>")
        status = str(_l("Status: %(status)s")) % {"status": "&lt;b&gt;"}
        assert page == f"{status}|{_l('Draft')}|100% sure"
