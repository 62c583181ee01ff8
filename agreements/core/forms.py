"""Form helpers shared by the domains."""

from flask_wtf import FlaskForm


def strip(value):
    """A field filter: takes the surrounding spaces off a string and leaves other values alone."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value) -> int | None:
    """Coerce a select's value to an int; empty or malformed input becomes None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class QueryFilterForm(FlaskForm):
    """Search and filters above a list, sent as query parameters (so without a CSRF token)."""

    class Meta:
        csrf = False

    def valid_data(self) -> dict:
        """Field values that passed validation; a value that is not one of the choices is left out."""
        self.validate()
        return {name: field.data for name, field in self._fields.items() if not field.errors}
