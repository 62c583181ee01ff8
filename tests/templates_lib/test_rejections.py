"""Every defect of a template package is refused with its own named error, and nothing is stored."""

import pytest
from sqlalchemy import func, select

from agreements.extensions import db
from agreements.templates_lib.errors import MESSAGES, TemplateRejected
from agreements.templates_lib.models import AgreementTemplate, TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version
from tests.support.template_package import docx_for, manifest
from tests.templates_lib import defects as d

# (code, a defective package, text the message must contain to name the problem)
CASES = [
    (
        "manifest_not_json",
        lambda: (b'{"key": "test_template",', d.package_bytes(manifest())[1]),
        "not valid JSON",
    ),
    ("manifest_missing_key", lambda: d.with_manifest_change(lambda m: m.pop("sections")), "entry sections"),
    ("manifest_bad_value", lambda: d.with_manifest_change(lambda m: m.update(kind="treaty")), "entry kind"),
    (
        "manifest_bad_value",
        lambda: d.with_manifest_change(lambda m: m.update(requires_approval="yes")),
        "entry requires_approval",
    ),
    (
        "bad_identifier",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor").update(key="Instructor Name")),
        "'Instructor Name' is not a valid key",
    ),
    (
        "reserved_name",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor").update(key="parties")),
        "field key parties is reserved",
    ),
    (
        "duplicate_key",
        lambda: d.with_manifest_change(lambda m: d.field(m, "duties").update(key="instructor")),
        "key instructor is declared more than once",
    ),
    (
        "missing_translation",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor")["label"].pop("sv")),
        "instructor.label needs a text in Finnish, Swedish and English",
    ),
    (
        "unknown_field_type",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor").update(type="colour")),
        "field instructor has an unknown type",
    ),
    (
        "unknown_section",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor").update(section="appendix")),
        "field instructor refers to a section",
    ),
    (
        "choice_without_choices",
        lambda: d.with_manifest_change(lambda m: d.field(m, "billing").update(choices=[])),
        "choice field billing declares no choices",
    ),
    (
        "rows_without_columns",
        lambda: d.with_manifest_change(lambda m: d.field(m, "units").pop("columns")),
        "list field units declares no columns",
    ),
    (
        "bad_default",
        lambda: d.with_manifest_change(lambda m: d.field(m, "places").update(default="two")),
        "default value of places",
    ),
    (
        "not_a_docx",
        lambda: d.with_finnish_document(b"PK\x03\x04 but not a zip at all"),
        "fi.docx is not a Word",
    ),
    ("zip_too_large", lambda: d.with_finnish_document(d.zip_bomb()), "fi.docx is too large when unpacked"),
    (
        "zip_too_many_entries",
        lambda: d.with_finnish_document(d.many_entries(500)),
        "fi.docx contains too many",
    ),
    (
        "zip_unsafe_path",
        lambda: d.with_finnish_document(
            d.rezip(docx_for(manifest(), "fi"), add={"../../etc/cron.d/x": b"x"})
        ),
        "fi.docx contains a file with an unsafe path",
    ),
    (
        "xml_entities",
        lambda: d.with_finnish_document(d.with_entity_declaration()),
        "fi.docx declares XML entities",
    ),
    (
        "template_syntax",
        lambda: d.with_finnish_document(d.finnish_with("{{ instructor }")),
        "template syntax error: fi.docx: unexpected '}'",
    ),
    (
        "undeclared_variable",
        lambda: d.with_finnish_document(d.finnish_with("{{ secret_plan }}")),
        "does not declare: fi.docx: secret_plan",
    ),
    (
        "unused_required_field",
        lambda: d.documents_for_other_manifest(lambda m: m["fields"].remove(d.field(m, "instructor"))),
        "not used in the document: fi.docx: instructor",
    ),
    (
        "missing_section_heading",
        lambda: d.documents_for_other_manifest(lambda m: m["sections"][1]["title"].update(fi="2 Muuta")),
        "no Heading 1 paragraph for the section fi.docx: 2 Yksityiskohdat",
    ),
    (
        "render_failed",
        lambda: d.with_finnish_document(d.finnish_with("{{ agreement.signing_place }}")),
        "test render with sample values failed: fi.docx",
    ),
    (
        "render_limit",
        lambda: d.with_finnish_document(
            d.finnish_with("{% for a in agreement.title %}" * 4 + "x" + "{% endfor %}" * 4)
        ),
        "passed a render limit: fi.docx: The template “Testisopimus” repeats its loops",
    ),
]


def test_every_named_error_has_a_case():
    assert {code for code, _, _ in CASES} == set(MESSAGES)


@pytest.mark.parametrize(("code", "build", "named"), CASES, ids=[case[0] for case in CASES])
def test_defective_package_is_refused_with_its_named_error(code, build, named):
    manifest_bytes, documents = build()

    with pytest.raises(TemplateRejected) as refused:
        add_template_version(manifest_bytes, documents, TemplateSource.UPLOADED)

    assert refused.value.code == code
    assert named in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TemplateVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(AgreementTemplate)) == 0


def test_zip_bomb_is_small_on_disk():
    bomb = d.zip_bomb()

    assert len(bomb) < 200 * 1024
    assert d.BOMB_BYTES > 20 * 1024 * 1024


@pytest.mark.parametrize(
    "expression",
    ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ instructor|safe }}"],
)
def test_template_reaching_for_python_internals_is_refused(expression):
    with pytest.raises(TemplateRejected) as refused:
        add_template_version(*d.with_finnish_document(d.finnish_with(expression)), TemplateSource.UPLOADED)

    assert refused.value.code in {"render_failed", "undeclared_variable", "template_syntax"}
    assert "fi.docx" in refused.value.message


def _without_swedish():
    manifest_bytes, documents = d.package_bytes(manifest())
    return manifest_bytes, {"fi": documents["fi"]}


#: Malformed input that must be refused with a named error, never crash: (case, package, code).
MALFORMED = [
    (
        "garbage document.xml",
        lambda: d.with_finnish_document(
            d.rezip(docx_for(manifest(), "fi"), replace={"word/document.xml": b"garbage"})
        ),
        "not_a_docx",
    ),
    (
        "fields are not objects",
        lambda: d.with_manifest_change(lambda m: m.update(fields=["x"])),
        "manifest_bad_value",
    ),
    ("deeply nested JSON", lambda: (b"[" * 100_000, d.package_bytes(manifest())[1]), "manifest_not_json"),
    ("top level is a list", lambda: (b"[]", d.package_bytes(manifest())[1]), "manifest_not_json"),
    (
        "min on a text field",
        lambda: d.with_manifest_change(lambda m: d.field(m, "instructor").update(min=1)),
        "manifest_bad_value",
    ),
    (
        "default above max",
        lambda: d.with_manifest_change(lambda m: d.field(m, "places").update(default=99)),
        "bad_default",
    ),
    (
        "entity declared in a UTF-16 document",
        lambda: d.with_finnish_document(d.with_entity_declaration("utf-16")),
        "xml_entities",
    ),
    (
        "choice default is a list",
        lambda: d.with_manifest_change(lambda m: d.field(m, "billing").update(default=["monthly"])),
        "bad_default",
    ),
    (
        "kind is a list",
        lambda: d.with_manifest_change(lambda m: m.update(kind=["bilateral"])),
        "manifest_bad_value",
    ),
    ("missing Swedish document", _without_swedish, "not_a_docx"),
]


@pytest.mark.parametrize(("case", "build", "code"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_package_is_refused_not_crashed_on(case, build, code):
    with pytest.raises(TemplateRejected) as refused:
        add_template_version(*build(), TemplateSource.UPLOADED)

    assert refused.value.code == code
