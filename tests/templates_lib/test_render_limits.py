"""Template rendering is bounded: hostile templates are refused at upload with the longest allowed values,
a stored one is stopped within the limits when it renders, and the pages that render say so clearly."""

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core.errors import OperationRefused
from agreements.drafting.documents import version_document
from agreements.extensions import db
from agreements.signatures import operations as signature_operations
from agreements.signatures.models import SignatureRequest, SigningOrder
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.models import TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version
from agreements.templates_lib.package import SAMPLE_HEADER, SAMPLE_PARTIES
from agreements.templates_lib.rendering import (
    RenderLimitExceeded,
    RenderLimits,
    build_context,
    render_docx,
)
from tests.support.factories import SAMPLE_VALUES, next_template_version
from tests.support.review_world import open_round  # noqa: F401 - fixture
from tests.support.template_package import docx_for, manifest, manifest_bytes, upload_data


def nested_loops(depth: int) -> str:
    return "{% for a in agreement.title %}" * depth + "x" + "{% endfor %}" * depth


#: Each one fills a small document with an enormous amount of work or text.
HOSTILE = {
    "four nested loops over the title": nested_loops(4),
    "five nested loops over the title": nested_loops(5),
    "repeated squaring": "{% set x = agreement.notice_period_months + 2 %}"
    + "{% set x = x*x %}" * 16
    + "{{ x }}",
    "two loops printing a long field": (
        "{% for a in agreement.title %}{% for b in agreement.title %}{{ duties }}{% endfor %}{% endfor %}"
    ),
}
LIMIT_WORDS = {
    "iterations": "repeats its loops more than",
    "output": "characters of text",
    "value_size": "larger than allowed",
    "cpu_time": "seconds of processing time",
}
#: The configured CPU time a render may take (TestingConfig keeps the default).
CPU_SECONDS = RenderLimits().cpu_seconds


def hostile_package(body: str) -> tuple[bytes, dict[str, bytes]]:
    """The test package with ``body`` added to both documents."""
    test_manifest = manifest()
    documents = {language: docx_for(test_manifest, language, (body,)) for language in ("fi", "sv")}
    return manifest_bytes(test_manifest), documents


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_is_refused_at_upload_within_the_limit(body):
    started = time.process_time()
    with pytest.raises(TemplateRejected) as refused:
        add_template_version(*hostile_package(body), TemplateSource.UPLOADED)

    assert time.process_time() - started < CPU_SECONDS
    assert refused.value.code == "render_limit"
    message = refused.value.message
    assert "fi.docx" in message
    assert "“Testisopimus”" in message
    assert any(words in message for words in LIMIT_WORDS.values())
    assert db.session.scalar(select(func.count()).select_from(TemplateVersion)) == 0


def test_the_refusal_at_upload_is_shown_to_the_administrator(admin_client):
    manifest_data, documents = hostile_package(HOSTILE["four nested loops over the title"])
    response = admin_client.post(
        "/admin/templates/upload",
        data=upload_data(manifest_data, documents),
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "“Testisopimus” repeats its loops more than 200000 times" in page


def test_the_upload_check_renders_the_longest_allowed_values():
    """Three loops over a title of 40 characters are 64,000 steps, but over the longest title 8 million."""
    with pytest.raises(TemplateRejected) as refused:
        add_template_version(*hostile_package(nested_loops(3)), TemplateSource.UPLOADED)

    assert "repeats its loops" in refused.value.message


def context() -> dict:
    return build_context(SAMPLE_HEADER, SAMPLE_PARTIES, SAMPLE_VALUES, manifest(), "fi", date(2026, 3, 1))


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        (HOSTILE["four nested loops over the title"], "iterations"),
        (HOSTILE["five nested loops over the title"], "iterations"),
        (HOSTILE["repeated squaring"], "value_size"),
        ("{% set x = agreement.title %}" + "{% set x = x ~ x %}" * 40, "value_size"),
        ("{% set x = agreement.title %}" + "{% set x = x + x %}" * 40, "value_size"),
        (
            "{% set y %}" + nested_loops(3).replace("x", "{{ duties }}") + "{% endset %}",
            "output",
        ),
    ],
)
def test_a_stored_hostile_template_stops_at_its_limit(body, limit):
    limits = RenderLimits(cpu_seconds=CPU_SECONDS, max_iterations=20_000, max_output_chars=200_000)
    started = time.process_time()
    with pytest.raises(RenderLimitExceeded) as stopped:
        render_docx(docx_for(manifest(), "fi", (body,)), context(), limits=limits)

    assert time.process_time() - started < CPU_SECONDS
    assert stopped.value.limit == limit


def test_a_render_that_takes_too_long_stops_at_the_cpu_time_limit():
    limits = RenderLimits(cpu_seconds=0.3, max_iterations=10**12, max_output_chars=10**12)
    started = time.process_time()
    with pytest.raises(RenderLimitExceeded) as stopped:
        render_docx(docx_for(manifest(), "fi", (nested_loops(5),)), context(), limits=limits)

    assert stopped.value.limit == "cpu_time"
    assert time.process_time() - started < 2


def test_string_formatting_with_a_huge_width_is_not_allowed():
    with pytest.raises(Exception, match="operator % is not allowed"):
        render_docx(docx_for(manifest(), "fi", ("{{ '%0999999999d' % 1 }}",)), context())


def test_a_normal_document_renders_within_the_limits():
    document = render_docx(
        docx_for(manifest(), "fi", ("{{ places * 3 }} {{ instructor ~ '!' }}",)), context()
    )

    assert document.startswith(b"PK")


@pytest.fixture
def stored_hostile_version(template_version):
    """A version stored before the limits were checked at upload: four loops over the title."""
    return next_template_version(template_version, (HOSTILE["four nested loops over the title"],), "0" * 64)


@pytest.fixture
def hostile_agreement(make_agreement, workshop, provider, stored_hostile_version, editor):
    return make_agreement(
        owner=workshop, providers=[provider], template_version=stored_hostile_version, created_by=editor
    )


def test_rendering_a_stored_hostile_template_is_refused_naming_it(hostile_agreement):
    started = time.process_time()
    with pytest.raises(OperationRefused) as refused:
        version_document(hostile_agreement.latest_version)

    assert time.process_time() - started < CPU_SECONDS
    assert "“Test agreement” repeats its loops more than 200000 times" in refused.value.message


def test_sending_a_stored_hostile_template_for_signature_is_refused(
    hostile_agreement, editor, workshop, provider, make_user
):
    signers = [
        (party, make_user(organisation=party, role=MembershipRole.SIGNATORY))
        for party in (provider, workshop)
    ]

    with pytest.raises(OperationRefused, match="“Test agreement” repeats its loops"):
        signature_operations.send_for_signature(hostile_agreement, editor, signers, SigningOrder.PARALLEL, "")

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SignatureRequest)) == 0


@pytest.mark.parametrize("page", ["preview", "versions/1.docx", "versions/1.pdf"])
def test_pages_that_render_a_stored_hostile_template_explain_it(
    client, login, editor, hostile_agreement, page
):
    login(client, editor)

    response = client.get(f"/agreements/{hostile_agreement.id}/{page}")

    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "“Test agreement” repeats its loops more than 200000 times" in text
    assert "the national administrators can fix the template" in text


@pytest.fixture
def agreement(hostile_agreement):
    """The agreement the comment-round fixtures open their round on."""
    return hostile_agreement


def test_the_round_page_of_a_stored_hostile_template_explains_it(
    client,
    login,
    editor,
    provider,
    open_round,  # noqa: F811 - the fixture imported above
):
    comment_round = open_round(organisations=[provider])
    login(client, editor)

    response = client.get(f"/rounds/{comment_round.id}")

    assert response.status_code == 409
    assert "“Test agreement” repeats its loops more than" in response.get_data(as_text=True)


def test_the_finnish_page_explains_it_in_finnish(client, login, make_user, workshop, hostile_agreement):
    login(client, make_user(organisation=workshop, locale=UILanguage.FI))

    response = client.get(f"/agreements/{hostile_agreement.id}/preview")

    assert response.status_code == 409
    assert "Sopimuspohja ”Testisopimus” toistaa silmukoitaan yli 200000 kertaa" in response.get_data(
        as_text=True
    )
