"""Forms of reminders and renewals: confirming a renewal, recording notice, an agreement's reminder days."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from agreements.core.errors import OperationRefused
from agreements.core.forms import DayField, FlaskForm, MultiCheckboxField, TextAreaField, int_or_none, strip
from agreements.core.once import SubmitOnceForm
from agreements.drafting.forms import keep_annexes_field, offer_annexes
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import parse_days


class RenewForm(FlaskForm):
    """Confirms that a renewal draft is to be made, which of ``annexes`` move to it and, for an agreement
    signed outside the service, on which of ``templates`` (without any, the field is left out)."""

    template_version_id = SelectField(
        _l("Template of the renewal"),
        coerce=int_or_none,
        validators=[InputRequired(_l("Choose a template."))],
    )
    move_annex_ids = MultiCheckboxField(
        _l("Annexes moved to the renewal"),
        coerce=int_or_none,
        description=_l(
            "Tick the annexes that are to belong to the renewal instead. The others stay with this "
            "agreement and end with it."
        ),
    )

    def __init__(self, templates=(), annexes=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_annexes(self.move_annex_ids, list(annexes))
        self.templates = {version.id: version for version in templates}
        if templates:
            self.template_version_id.choices = [(version.id, version.title) for version in templates]
        else:
            del self.template_version_id

    def chosen_template(self):
        """The template version chosen, or None when there was nothing to choose."""
        return self.templates.get(self.template_version_id.data) if "template_version_id" in self else None


class NoticeForm(SubmitOnceForm, FlaskForm):
    """Which of ``parties`` (those that have not given notice alone) gave notice, when, why, and which of
    ``annexes`` (those the notice may end) are kept in force."""

    given_by = SelectField(_l("Notice given by"), coerce=int_or_none, validators=[DataRequired()])
    given_on = DayField(_l("Notice given on"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])
    keep_annex_ids = keep_annexes_field()

    def __init__(self, parties, *args, annexes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.given_by.choices = [(party.id, party.name) for party in parties]
        offer_annexes(self.keep_annex_ids, list(annexes))


#: The choices for each kind of reminder on an agreement.
USE_DEFAULT, CUSTOM, OFF = "default", "custom", "off"


def rules_form(defaults: dict, own: dict) -> FlaskForm:
    """A form with a choice (default / own days / off) and a days field per kind, filled from ``own``."""

    class RulesForm(FlaskForm):
        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            for kind in ReminderKind:
                valid = _checked_days(self, kind) and valid
            return valid

        def chosen(self) -> dict:
            """Per kind: None for the default, () for off, or the own days."""
            return {kind: _chosen(self, kind) for kind in ReminderKind}

    for kind in ReminderKind:
        default = ", ".join(str(day) for day in defaults[kind])
        choices = [
            (USE_DEFAULT, _l("Default: %(days)s", days=default or "–")),
            (CUSTOM, _l("These days")),
            (OFF, _l("No reminders of this kind")),
        ]
        setattr(RulesForm, f"{kind.value}_choice", RadioField(kind.title, choices=choices))
        setattr(RulesForm, f"{kind.value}_days", StringField(kind.days_explained, filters=[strip]))
    initial = {}
    for kind in ReminderKind:
        days = own.get(kind)
        initial[f"{kind.value}_choice"] = USE_DEFAULT if days is None else (CUSTOM if days else OFF)
        initial[f"{kind.value}_days"] = ", ".join(str(day) for day in (days or defaults[kind]))
    return RulesForm(data=initial)


def _checked_days(form, kind: ReminderKind) -> bool:
    if form[f"{kind.value}_choice"].data != CUSTOM:
        return True
    try:
        parse_days(form[f"{kind.value}_days"].data)
    except OperationRefused as refusal:
        form[f"{kind.value}_days"].errors.append(str(refusal))
        return False
    return True


def _chosen(form, kind: ReminderKind):
    choice = form[f"{kind.value}_choice"].data
    if choice == CUSTOM:
        return parse_days(form[f"{kind.value}_days"].data)
    return () if choice == OFF else None
