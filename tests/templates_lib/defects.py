"""Defective template packages: each breaks exactly one rule of the package format."""

import copy
import io
import json
import zipfile

from tests.support.template_package import docx_for, manifest

#: Unpacks to more than the 20 MB a .docx may hold, from a few kilobytes of zeros.
BOMB_BYTES = 21 * 1024 * 1024


def rezip(docx: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a .docx zip with some entries replaced and some added."""
    replace, add = replace or {}, add or {}
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry.filename)))
        for name, content in add.items():
            target.writestr(
                zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9
            )
    return output.getvalue()


def package_bytes(manifest_dict: dict, documents: dict[str, bytes] | None = None) -> tuple[bytes, dict]:
    """(manifest bytes, documents), the documents made for the good test manifest unless given."""
    good = manifest()
    documents = documents or {language: docx_for(good, language) for language in ("fi", "sv")}
    return json.dumps(manifest_dict).encode(), documents


def with_manifest_change(change) -> tuple[bytes, dict]:
    """The test package whose manifest ``change(manifest_dict)`` altered in place."""
    broken = manifest()
    change(broken)
    return package_bytes(broken)


def with_finnish_document(document: bytes) -> tuple[bytes, dict]:
    """The test package with another Finnish document."""
    good = manifest()
    return package_bytes(good, {"fi": document, "sv": docx_for(good, "sv")})


def finnish_with(*paragraphs: str) -> bytes:
    return docx_for(manifest(), "fi", extra_paragraphs=paragraphs)


def field(manifest_dict: dict, key: str) -> dict:
    return next(f for f in manifest_dict["fields"] if f["key"] == key)


def zip_bomb() -> bytes:
    return rezip(docx_for(manifest(), "fi"), add={"word/media/padding.bin": b"\0" * BOMB_BYTES})


def many_entries(count: int) -> bytes:
    return rezip(docx_for(manifest(), "fi"), add={f"word/media/part{n}.xml": b"<x/>" for n in range(count)})


def with_entity_declaration(encoding: str = "utf-8") -> bytes:
    """The Finnish document declaring an external entity, its document.xml written in ``encoding``."""
    docx = docx_for(manifest(), "fi")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
    declaration, _, rest = xml.partition("?>")
    doctype = '<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    xml = declaration.replace("UTF-8", encoding.upper()) + "?>" + doctype + rest
    return rezip(docx, replace={"word/document.xml": xml.encode(encoding)})


def documents_for_other_manifest(change) -> tuple[bytes, dict]:
    """The good manifest with documents made for a manifest that ``change`` altered."""
    other = copy.deepcopy(manifest())
    change(other)
    return package_bytes(manifest(), {language: docx_for(other, language) for language in ("fi", "sv")})
