"""Forms for recommendations and party responses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from rkc.procedure.law import Procedure, ResponseKind
from rkc.procedure.models import PROCEDURE_LABELS, RESPONSE_LABELS


class RecommendationForm(FlaskForm):
    edition_id = SelectField(_l("Adopted edition it brings into force"), coerce=int, choices=[])
    procedure = SelectField(
        _l("Procedure"),
        choices=[SelectChoice(value=p.value, label=_l(PROCEDURE_LABELS[p])) for p in Procedure],
    )
    session = StringField(_l("Committee session"), validators=[InputRequired(), Length(max=300)])
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])
    communicated_on = DateField(
        _l("Communicated by the depositary on"), validators=[InputRequired()]
    )
    set_in_force_on = DateField(
        _l("Date of entry into force set by it (annexes only)"), validators=[Optional()]
    )
    in_force_months = IntegerField(
        _l("Or: months from deemed acceptance to entry into force, set by it (annexes only)"),
        validators=[Optional(), NumberRange(min=0, max=120)],
    )
    parties_present = SelectMultipleField(
        _l("Parties present (Body amendments)"), coerce=int, choices=[]
    )
    chapter_id = SelectField(
        _l("Specific Annex chapter concerned (if one)"), coerce=int, choices=[]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class ResponseForm(FlaskForm):
    party_id = SelectField(_l("Party"), coerce=int, choices=[])
    kind = SelectField(
        _l("Response"),
        choices=[SelectChoice(value=k.value, label=_l(RESPONSE_LABELS[k])) for k in ResponseKind],
    )
    responded_on = DateField(_l("Notified on"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])


class ApplyForm(FlaskForm):
    """Empty: its CSRF token protects the re-evaluation button."""
