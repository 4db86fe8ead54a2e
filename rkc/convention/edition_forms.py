"""Forms the Secretariat uses to manage editions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class OpenDraftForm(FlaskForm):
    slug = StringField(
        "Short name (used in addresses)", validators=[DataRequired(), Length(max=60)]
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])


class FreezeForm(FlaskForm):
    # Explicit ids: the manage page shows this form next to OpenDraftForm, whose `title` field
    # would otherwise share the id "title" (and a label would point at the wrong input).
    title = StringField(
        "Title of the adopted text",
        validators=[Optional(), Length(max=300)],
        id="freeze-title",
    )
    adopted_on = DateField("Adopted on", validators=[InputRequired()])
    in_force_from = DateField("In force from (if already known)", validators=[Optional()])
    confirm = BooleanField("I have read the list above and want to freeze this draft now")


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        "Why reopen it (kept in the audit log)", validators=[DataRequired(), Length(max=2000)]
    )
    confirm = BooleanField(
        "Reopen: the edition becomes a working draft again", validators=[DataRequired()]
    )


class InForceForm(FlaskForm):
    in_force_from = DateField("In force from", validators=[InputRequired()])
