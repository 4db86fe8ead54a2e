"""Forms the Secretariat uses to manage editions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from rkc.convention.operations import slug_problem


def edition_slug(_form: FlaskForm, field: Field) -> None:
    """The rule for an edition's short name (rkc.convention.operations.slug_problem)."""
    problem = slug_problem((field.data or "").strip())
    if problem is not None:
        raise ValidationError(problem[0].upper() + problem[1:] + ".")


class OpenDraftForm(FlaskForm):
    slug = StringField(
        _l("Short name (used in addresses: a-z, 0-9 and '-')"),
        validators=[DataRequired(), Length(max=60), edition_slug],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])


class FreezeForm(FlaskForm):
    # Explicit ids: the manage page shows this form next to OpenDraftForm, whose `title` field
    # would otherwise share the id "title" (and a label would point at the wrong input).
    title = StringField(
        _l("Title of the adopted text"),
        validators=[Optional(), Length(max=300)],
        id="freeze-title",
    )
    adopted_on = DateField(_l("Adopted on"), validators=[InputRequired()])
    in_force_from = DateField(_l("In force from (if already known)"), validators=[Optional()])
    confirm = BooleanField(_l("I have read the list above and want to freeze this draft now"))


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Why reopen it (kept in the audit log)"), validators=[DataRequired(), Length(max=2000)]
    )
    confirm = BooleanField(
        _l("Reopen: the edition becomes a working draft again"), validators=[DataRequired()]
    )


class InForceForm(FlaskForm):
    in_force_from = DateField(_l("In force from"), validators=[InputRequired()])
