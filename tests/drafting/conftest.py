"""Fixtures for drafting: a workshop with its editor, providers, stored templates, and reading forms back."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from tests.conftest import log_in

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


def audit_actions(agreement) -> list[str]:
    """The audit actions recorded for an agreement, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "agreements", AuditEvent.object_id == agreement.id)
            .order_by(AuditEvent.id)
        )
    )


class _FormReader(HTMLParser):
    """Collects what a browser would send for the page's own POST form, without pressing any button."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.in_post_form = False
        self.select, self.multiple, self.first_option = None, False, None
        self.textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # the page's own form posts back to the page; the language and logout forms name an action
            self.in_post_form = attrs.get("method", "get").lower() == "post" and "action" not in attrs
        if not self.in_post_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type", "text") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "y"))
            else:
                self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select, self.multiple, self.first_option = attrs["name"], "multiple" in attrs, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self._add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        elif tag == "select":
            if not self.multiple and self.select not in self.values:  # nothing selected: the first option
                self._add(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            # browsers drop the newline that follows <textarea>
            text = self.values[self.textarea][-1]
            self.values[self.textarea][-1] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data


def form_values(response) -> dict:
    """The page's POST form as the browser would submit it: {name: value or [values]}."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    values = {}
    for name, items in reader.values.items():
        values[name] = items if len(items) > 1 or name == "party_ids" else items[0]
    values.pop("csrf_token", None)  # the client adds a fresh one
    return values


@pytest.fixture
def workshop(make_organisation):
    return make_organisation(kind=WORKSHOP, name="Tampereen Työpaja")


@pytest.fixture
def provider(make_organisation):
    return make_organisation(kind=PROVIDER, name="Tredu")


@pytest.fixture
def editor(make_user, workshop):
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori")


@pytest.fixture
def editor_client(client, editor):
    """A client logged in as an editor of ``workshop``."""
    log_in(client, editor)
    return client


@pytest.fixture
def template_version(make_template_version):
    """The test package (every field type) as a bilateral template."""
    return make_template_version()


@pytest.fixture
def commitment_version(make_template_version):
    """The test package as a commitment template."""
    return make_template_version(key="test_commitment", kind="commitment")


@pytest.fixture
def agreement(make_agreement, workshop, provider, template_version, editor):
    """A draft owned by ``workshop`` with ``provider``, saved once by ``editor``."""
    return make_agreement(
        owner=workshop, providers=[provider], template_version=template_version, created_by=editor
    )


def start_url(template_version, owner, language: str = "fi") -> str:
    """The full new-agreement form for a template, language and drafting workshop."""
    return (
        f"/agreements/new?template_version_id={template_version.id}&language={language}&owner_id={owner.id}"
    )
