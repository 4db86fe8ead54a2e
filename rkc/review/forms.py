"""Forms of the review register (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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
from wtforms.widgets import HiddenInput

from rkc.review.models import (
    LANGUAGE_NAMES,
    LEVEL_LABELS,
    MODE_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
)

LANGUAGES = [SelectChoice(value=code, label=_l(name)) for code, name in LANGUAGE_NAMES.items()]


class MeetingForm(FlaskForm):
    body_id = SelectField(_l("Body"), coerce=int, choices=[])
    number = IntegerField(
        _l("Session number (23 for the 23rd)"), validators=[InputRequired(), NumberRange(1, 999)]
    )
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[InputRequired()])
    mode = SelectField(
        _l("Mode"),
        choices=[SelectChoice(value=m.value, label=_l(lbl)) for m, lbl in MODE_LABELS.items()],
    )
    languages = SelectMultipleField(_l("Languages"), choices=LANGUAGES, default=["en", "fr"])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(value=s.value, label=_l(lbl)) for s, lbl in STATUS_LABELS.items()],
    )


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Item"), validators=[InputRequired(), Length(max=500)])
    purpose = SelectField(
        _l("Purpose"),
        choices=[SelectChoice(value=p.value, label=_l(lbl)) for p, lbl in PURPOSE_LABELS.items()],
    )
    parent_id = SelectField(_l("Under"), coerce=int, choices=[])


class MoveForm(FlaskForm):
    """Empty: its CSRF token protects the move buttons."""


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=500)])
    language = SelectField(_l("Language"), choices=LANGUAGES)
    file = FileField(_l("File (Word .docx or PDF)"), validators=[FileRequired()])


class RegisterForm(DocumentForm):
    """A new document: its distribution level too (its versions keep it)."""

    level = SelectField(
        _l("Distribution"),
        choices=[SelectChoice(value=v.value, label=_l(lbl)) for v, lbl in LEVEL_LABELS.items()],
        default="parties_and_observers",
    )


class RevisionForm(DocumentForm):
    """A new version keeps its language."""

    language = None


class BodyForm(FlaskForm):
    series = StringField(_l("Series letters"), validators=[InputRequired(), Length(max=10)])
    symbol_pattern = StringField(
        _l("Symbol pattern"), validators=[InputRequired(), Length(max=100)]
    )


class ReportForm(FlaskForm):
    """The draft report: the revision the edit started from; each item's text, amendments
    and documents are read as text-<item id>, amendments-<item id>, documents-<item id>."""

    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(0)])


class AdoptForm(FlaskForm):
    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(1)])


class CorrigendumForm(FlaskForm):
    agenda_item = SelectField(_l("Agenda item"), coerce=int, choices=[], validate_choice=False)
    text = TextAreaField(
        _l("The item's text as corrected (Markdown)"), validators=[Length(max=50_000)]
    )
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class CompilationForm(FlaskForm):
    """Issue the compilation of a working draft's amendments as a document of the meeting."""

    edition_id = SelectField(_l("Working draft"), coerce=int, choices=[], validate_choice=False)
    chapter = StringField(_l("Chapter (key, optional)"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGES)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=500)])
    level = SelectField(
        _l("Distribution"),
        choices=[SelectChoice(value=v.value, label=_l(lbl)) for v, lbl in LEVEL_LABELS.items()],
        default="parties_and_observers",
    )
