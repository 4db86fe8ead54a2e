"""Forms for amendments (CSRF via Flask-WTF). Checks of substance live in the operations;
the forms only bound sizes and shapes, so that every refusal names the field the same way."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from rkc.amendments.common import MAX_CONCEPT, MAX_NOTE, MAX_TEXT, MAX_TITLE
from rkc.amendments.models import Stance
from rkc.convention.kinds import KIND_LABELS
from rkc.database import MAX_ID

#: Submit buttons are named "action": "preview" shows the redline, "save" stores.
PREVIEW, SAVE = "preview", "save"
#: A hidden id or counter the page wrote: beyond the database's range it is forged.
A_ROW = NumberRange(min=1, max=MAX_ID, message=_l("This form was altered: reload the page."))


class ProposalForm(FlaskForm):
    """Propose (or revise) an amendment. Which fields show depends on the kind of change."""

    change = HiddenField(validators=[AnyOf(["modify", "insert", "delete", "heading"])])
    #: The revision of the target the form showed (optimistic concurrency).
    base_revision_id = IntegerField(validators=[Optional(), A_ROW])
    #: The amendment version the revise form showed (revise only).
    expected_seq = IntegerField(validators=[Optional(), A_ROW])
    text = TextAreaField(_l("Proposed text"), validators=[Length(max=MAX_TEXT)])
    title = StringField(_l("Heading"), validators=[Length(max=MAX_TITLE)])
    kind = SelectField(_l("Kind of the new unit"), choices=[], validate_choice=False)
    number = StringField(_l("Number of the new unit"), validators=[Length(max=40)])
    after = SelectField(_l("Place"), choices=[], validate_choice=False)
    key = StringField(
        _l("Key (optional: leave empty to have one suggested)"), validators=[Length(max=200)]
    )
    justification = TextAreaField(_l("Justification (Markdown)"), validators=[Length(max=MAX_TEXT)])
    concept = StringField(_l("Concept or topic (optional)"), validators=[Length(max=MAX_CONCEPT)])

    def set_kind_choices(self, kinds: list[str]) -> None:
        self.kind.choices = [SelectChoice(value=k, label=KIND_LABELS.get(k, k)) for k in kinds]


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[Length(max=40)])
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=MAX_NOTE)])
    superseded_by = StringField(
        _l("Superseded by (number of the compromise, optional)"), validators=[Length(max=20)]
    )
    #: The meeting and agenda item the step cites (rkc.review.citations checks them).
    meeting = SelectField(_l("At the meeting (optional)"), choices=[], validate_choice=False)
    agenda_item = SelectField(_l("Agenda item (optional)"), choices=[], validate_choice=False)


class SponsorRequestForm(FlaskForm):
    note = TextAreaField(
        _l("Note to the proposing party (optional)"), validators=[Length(max=MAX_NOTE)]
    )


class SponsorAnswerForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(["confirm", "decline"])])


STANCE_CHOICES = [SelectChoice(value=s.value, label=s.label) for s in Stance]


class PositionForm(FlaskForm):
    stance = RadioField(_l("Position"), choices=STANCE_CHOICES)
    statement = TextAreaField(
        _l("Statement (optional, Markdown)"), validators=[Length(max=MAX_NOTE)]
    )


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment (Markdown)"), validators=[Length(max=MAX_NOTE)])
    reply_to = IntegerField(validators=[Optional(), A_ROW])


class ResolveForm(FlaskForm):
    resolved = HiddenField(validators=[AnyOf(["1", "0"])])


class EmptyForm(FlaskForm):
    """Only a CSRF token: protects a button."""
