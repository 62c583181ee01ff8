"""The notification preferences form: one radio group per kind, built for the kinds that exist."""

from wtforms import RadioField

from agreements.core.forms import FlaskForm
from agreements.notifications.models import Delivery, NotificationKind


class PreferencesForm(FlaskForm):
    """How each kind of notification reaches the user; fields are named by the kind's value."""

    def choices(self) -> dict[NotificationKind, Delivery]:
        """The chosen delivery for every kind."""
        return {kind: Delivery(self[kind.value].data) for kind in NotificationKind}


def preferences_form(current: dict[NotificationKind, Delivery]) -> PreferencesForm:
    """A form with a radio group per kind, its titles in the current language, preset to ``current``."""

    class Form(PreferencesForm):
        pass

    for kind in NotificationKind:
        field = RadioField(kind.title, choices=Delivery.choices(), description=kind.description)
        setattr(Form, kind.value, field)
    return Form(data={kind.value: delivery.value for kind, delivery in current.items()})
