"""Forms for recording what parties did, importing party tables and editing parties.

Dates are typed as text at the precision known (YYYY, YYYY-MM or YYYY-MM-DD) and checked by
the operations, which name the field in their messages; a browser date picker would force a
day nobody knows.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rkc.parties.models import InstrumentKind, PartyKind


def _date_field(label: str, *, required: bool = True) -> StringField:
    validators = [DataRequired()] if required else [Optional()]
    return StringField(
        label,
        validators=[*validators, Length(max=10)],
        description=_l("YYYY, YYYY-MM or YYYY-MM-DD: only as precise as the record")
        if required
        else _l("YYYY, YYYY-MM or YYYY-MM-DD: only as precise as the record; empty if not known"),
    )


def _source() -> StringField:
    return StringField(
        _l("Source"),
        validators=[Optional(), Length(max=2000)],
        description=_l("where the fact is from"),
    )


class InstrumentForm(FlaskForm):
    instrument = SelectField(
        _l("Instrument"),
        choices=[SelectChoice(value="", label=_l("not known"))]
        + [SelectChoice(value=k.value, label=k.label) for k in InstrumentKind],
    )
    deposited_on = _date_field(_l("Deposited on"), required=False)
    in_force_on = StringField(
        _l("Entry into force, as the depositary recorded it"),
        validators=[Optional(), Length(max=10)],
        description=_l("only when the record says so; empty lets rkc compute it (3 months)"),
    )
    source = _source()
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class AcceptanceForm(FlaskForm):
    chapter = SelectField(_l("Specific Annex chapter"), choices=[])
    notified_on = _date_field(_l("Notified on"))
    in_force_on = StringField(
        _l("Entry into force for the party, as the depositary recorded it"),
        validators=[Optional(), Length(max=10)],
        description=_l("only when the record says so; empty lets rkc compute it"),
    )
    source = _source()
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReservationForm(FlaskForm):
    provision = SelectField(_l("Recommended Practice"), choices=[])
    entered_on = _date_field(_l("Entered on"))
    text = TextAreaField(
        _l("How national law differs"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Markdown"),
    )
    source = _source()


class WithdrawalForm(FlaskForm):
    withdrawn_on = _date_field(_l("Withdrawn on"))
    source = _source()


class ExtensionForm(FlaskForm):
    provision = StringField(
        _l("General Annex provision or chapter"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "its key, e.g. ga/3/3.11 or ga/3 (every provision of the chapter); "
            "Art. 13(4) allows extensions for the General Annex only"
        ),
    )
    requested_on = StringField(
        _l("Requested on"),
        validators=[Optional(), Length(max=10)],
        description=_l(
            "when the party asked: YYYY, YYYY-MM or YYYY-MM-DD; before its period ended"
        ),
    )
    granted_on = _date_field(_l("Granted on"))
    months = IntegerField(
        _l("Months"), validators=[DataRequired(), NumberRange(min=1, max=12)], default=12
    )
    source = _source()
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class DenunciationForm(FlaskForm):
    chapter = SelectField(_l("What is denounced"), choices=[])
    notice_on = _date_field(_l("Notice received on"))
    source = _source()
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RetractForm(FlaskForm):
    reason = StringField(
        _l("Why the record is wrong"), validators=[DataRequired(), Length(max=2000)]
    )


class ImportForm(FlaskForm):
    table = FileField(
        _l("Party table (CSV in UTF-8, or the depositary's table as CSV or PDF)"),
        validators=[FileRequired()],
    )
    check_only = BooleanField(_l("Only check it; store nothing"))


WCO_MEMBER_CHOICES = [
    SelectChoice(value="", label=_l("not recorded")),
    SelectChoice(value="yes", label=_l("yes")),
    SelectChoice(value="no", label=_l("no")),
]


class PartyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    iso3 = StringField(
        _l("ISO 3166-1 alpha-3 code"),
        validators=[Optional(), Length(max=3)],
        description=_l("empty for a union such as the European Union"),
    )
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(value=k.value, label=k.value) for k in PartyKind]
    )
    wco_member = SelectField(_l("WCO Member"), choices=WCO_MEMBER_CHOICES)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    source_url = StringField(_l("Source"), validators=[Optional(), Length(max=2000)])
