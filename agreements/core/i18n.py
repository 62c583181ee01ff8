"""The interface language outside templates."""

from flask_babel import get_locale


def ui_language() -> str:
    """The current interface language code (fi, sv or en); Finnish when none is selected."""
    return str(get_locale() or "fi")
