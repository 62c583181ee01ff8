"""A stored template is compiled once per process and kept by the SHA-256 of its bytes: the documents are
docxtpl's own, a new template version gives its new document, each render keeps its own budget in the one
environment, and what is kept stays within its bounds."""

import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from agreements.drafting.documents import version_document
from agreements.templates_lib import compiled
from agreements.templates_lib.fields import sample_value
from agreements.templates_lib.package import SAMPLE_HEADER, SAMPLE_PARTIES
from agreements.templates_lib.rendering import (
    RenderLimitExceeded,
    RenderLimits,
    build_context,
    render_budget,
    render_docx,
    sandboxed_environment,
)
from tests.support.factories import next_template_version
from tests.support.template_package import docx_for, manifest

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "agreement_templates").glob("*/*.docx"))


@pytest.fixture(autouse=True)
def nothing_kept():
    """Each test starts with no template kept, and leaves none."""
    compiled.PREPARED.clear()
    yield
    compiled.PREPARED.clear()


def sample_context(template_manifest: dict, language: str, **header) -> dict:
    values = {field["key"]: sample_value(field) for field in template_manifest["fields"]}
    return build_context(
        {**SAMPLE_HEADER, **header}, SAMPLE_PARTIES, values, template_manifest, language, date(2026, 3, 1)
    )


def docxtpl_render(template: bytes, context: dict) -> bytes:
    """The document as docxtpl's own DocxTemplate renders it, in the same environment."""
    document = DocxTemplate(io.BytesIO(template))
    with render_budget():
        document.render(context, jinja_env=sandboxed_environment(), autoescape=True)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def rendered_parts(docx: bytes) -> dict[str, bytes]:
    """The parts a render fills: the body, headers, footers, footnotes and the core properties."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {
            name: package.read(name)
            for name in package.namelist()
            if (name.startswith("word/") and name.endswith(".xml")) or name == "docProps/core.xml"
        }


def text(docx: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(docx)).paragraphs)


def kept_keys() -> list[str]:
    return list(compiled.PREPARED.kept)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("path", SHIPPED, ids=[f"{path.parent.name}-{path.stem}" for path in SHIPPED])
def test_a_shipped_template_renders_as_docxtpl_renders_it_first_and_from_the_kept_one(path):
    template = path.read_bytes()
    template_manifest = json.loads((path.parent / "manifest.json").read_text())
    context = sample_context(template_manifest, path.stem)
    expected = rendered_parts(docxtpl_render(template, context))

    assert rendered_parts(render_docx(template, context)) == expected
    assert kept_keys() == [sha(template)]
    assert rendered_parts(render_docx(template, context)) == expected
    assert "word/footer1.xml" in expected


def test_the_kept_template_fills_in_each_renders_own_values():
    template = docx_for(manifest(), "fi")

    first = text(render_docx(template, sample_context(manifest(), "fi", reference="SOP-2026-0001")))
    second = text(render_docx(template, sample_context(manifest(), "fi", reference="SOP-2026-0002")))

    assert "SOP-2026-0001" in first
    assert "SOP-2026-0002" in second
    assert "SOP-2026-0001" not in second


def test_a_changed_template_gives_its_new_document_never_the_kept_one():
    context = sample_context(manifest(), "fi")
    old = docx_for(manifest(), "fi", ("Vanha ehto {{ agreement.reference }}",))
    new = docx_for(manifest(), "fi", ("Uusi ehto {{ agreement.reference }}",))

    assert "Vanha ehto SOP-2026-0001" in text(render_docx(old, context))
    rendered = text(render_docx(new, context))
    assert "Uusi ehto SOP-2026-0001" in rendered
    assert "Vanha ehto" not in rendered
    assert "Vanha ehto SOP-2026-0001" in text(render_docx(old, context))
    assert set(kept_keys()) == {sha(old), sha(new)}


@pytest.fixture
def second_version(template_version):
    """A new version of the test template whose Finnish document has a new clause."""
    return next_template_version(template_version, ("Lisäehto versiossa kaksi.",), "2" * 64)


def test_agreements_on_two_template_versions_each_get_their_versions_document(
    make_agreement, workshop, provider, editor, template_version, second_version
):
    on_first, on_second = (
        make_agreement(owner=workshop, providers=[provider], template_version=version, created_by=editor)
        for version in (template_version, second_version)
    )

    for _ in range(2):
        assert "Lisäehto versiossa kaksi." not in text(version_document(on_first.latest_version))
        assert "Lisäehto versiossa kaksi." in text(version_document(on_second.latest_version))


def test_at_most_the_configured_number_of_templates_are_kept(monkeypatch):
    monkeypatch.setattr(compiled.PREPARED, "count", 2)
    context = sample_context(manifest(), "fi")
    templates = [docx_for(manifest(), "fi", (f"Ehto {number}",)) for number in range(4)]

    for template in templates:
        render_docx(template, context)

    assert kept_keys() == [sha(templates[2]), sha(templates[3])]
    render_docx(templates[2], context)  # used again: now the most recent
    render_docx(templates[0], context)
    assert kept_keys() == [sha(templates[2]), sha(templates[0])]


def test_templates_past_the_size_bound_are_not_kept(monkeypatch):
    monkeypatch.setattr(compiled.PREPARED, "size", 1000)

    document = render_docx(docx_for(manifest(), "fi"), sample_context(manifest(), "fi"))

    assert "SOP-2026-0001" in text(document)
    assert kept_keys() == []


def test_an_upload_checks_strict_render_keeps_nothing():
    render_docx(docx_for(manifest(), "fi"), sample_context(manifest(), "fi"), strict=True)

    assert kept_keys() == []


def test_each_render_counts_in_its_own_budget():
    template = docx_for(
        manifest(), "fi", ("{% for a in agreement.title %}{% for b in 'abc' %}x{% endfor %}{% endfor %}",)
    )
    context = sample_context(manifest(), "fi", title="t" * 1000)  # 4,000 loop steps
    limits = RenderLimits(max_iterations=5_000)

    for _ in range(3):  # 12,000 steps in all: each render has its own 5,000
        assert render_docx(template, context, limits=limits).startswith(b"PK")
    with pytest.raises(RenderLimitExceeded) as stopped:
        render_docx(template, context, limits=RenderLimits(max_iterations=3_000))
    assert stopped.value.limit == "iterations"
    assert render_docx(template, context, limits=limits).startswith(b"PK")


def test_the_shared_environment_does_not_render_outside_a_budget():
    template = sandboxed_environment().from_string("{% for letter in 'abc' %}{{ letter }}{% endfor %}")

    with pytest.raises(LookupError):
        template.render()
    with render_budget() as budget:
        assert template.render() == "abc"
    assert budget.iterations == 3
