"""Why a template package is refused: one named error per defect, with a message for the administrator."""

from flask_babel import lazy_gettext as _l

#: Code -> message; %(detail)s names the field, file or variable at fault.
MESSAGES = {
    "manifest_not_json": _l("The manifest is not valid JSON: %(detail)s"),
    "manifest_missing_key": _l("The manifest lacks the required entry %(detail)s."),
    "manifest_bad_value": _l("The manifest entry %(detail)s has an invalid value."),
    "bad_identifier": _l("%(detail)s is not a valid key: use lower-case letters, digits and underscores."),
    "reserved_name": _l("The field key %(detail)s is reserved for the agreement's own data."),
    "duplicate_key": _l("The key %(detail)s is declared more than once."),
    "missing_translation": _l("%(detail)s needs a text in Finnish, Swedish and English."),
    "unknown_field_type": _l("The field %(detail)s has an unknown type."),
    "unknown_section": _l("The field %(detail)s refers to a section that is not declared."),
    "choice_without_choices": _l("The choice field %(detail)s declares no choices."),
    "rows_without_columns": _l("The list field %(detail)s declares no columns."),
    "bad_default": _l("The default value of %(detail)s does not match its type."),
    "not_a_docx": _l("%(detail)s is not a Word document (.docx)."),
    "zip_too_large": _l("%(detail)s is too large when unpacked."),
    "zip_too_many_entries": _l("%(detail)s contains too many files."),
    "zip_unsafe_path": _l("%(detail)s contains a file with an unsafe path."),
    "xml_entities": _l("%(detail)s declares XML entities or a DOCTYPE, which are not allowed."),
    "template_syntax": _l("The document has a template syntax error: %(detail)s"),
    "undeclared_variable": _l("The document uses variables the manifest does not declare: %(detail)s"),
    "unused_required_field": _l("Required fields are not used in the document: %(detail)s"),
    "missing_section_heading": _l("The document has no Heading 1 paragraph for the section %(detail)s."),
    "render_failed": _l("A test render with sample values failed: %(detail)s"),
    "render_limit": _l(
        "A test render with the longest allowed values passed a render limit: %(detail)s Simplify the "
        "document's loops and calculations."
    ),
}


class TemplateRejected(ValueError):
    """A template package that cannot be accepted; ``code`` names the defect.

    ``package`` names the folder of a shipped template, so that ``flask templates sync`` can say which one.
    """

    def __init__(self, code: str, detail: str = "", package: str = ""):
        self.code, self.detail, self.package = code, detail, package
        super().__init__(f"{package + ': ' if package else ''}{code}: {detail}")

    @property
    def message(self) -> str:
        text = str(MESSAGES[self.code]) % {"detail": self.detail}
        return f"{self.package}: {text}" if self.package else text
