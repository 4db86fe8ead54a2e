"""Forms of the Four-step Framework's pages (Flask-WTF: each carries its CSRF token).

The evaluation form's per-criterion fields depend on the configured criteria; the view reads
them from the request (`met_<id>`, `note_<id>`) beside this form's own fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from rkc.review.framework_models import OUTCOME_LABELS, RKC_PARTS, STEP_LABELS, part_label


class ConceptForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=300)])


class ProposalForm(FlaskForm):
    concept_id = SelectField(_l("Concept"), coerce=int, choices=[])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=500)])
    party_id = SelectField(_l("Proposed by a Contracting Party"), coerce=int, choices=[])
    organisation = StringField(
        _l("or by an observer organisation"), validators=[Optional(), Length(max=300)]
    )
    co_sponsors = SelectMultipleField(_l("Co-sponsors"), coerce=int, choices=[])
    submitted_on = DateField(_l("Date"), validators=[InputRequired()])
    document_id = SelectField(_l("Carried by the document"), coerce=int, choices=[])
    track = SelectField(
        _l("Track (imported proposals)"),
        choices=[
            SelectChoice(value="", label=_l("None")),
            SelectChoice(value="A", label="A"),
            SelectChoice(value="B", label="B"),
        ],
        default="",
    )
    components = TextAreaField(
        _l("Components, one a line"), validators=[InputRequired(), Length(max=20_000)]
    )


class CriterionForm(FlaskForm):
    text = StringField(_l("Criterion"), validators=[InputRequired(), Length(max=500)])


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (retire a criterion)."""


class StepForm(FlaskForm):
    step = SelectField(
        _l("Move to"),
        coerce=int,
        choices=[SelectChoice(value=n, label=_l(label)) for n, label in STEP_LABELS.items()],
    )
    reason = TextAreaField(
        _l("Reason (going back, or a decision to draft anyway)"),
        validators=[Optional(), Length(max=5000)],
    )
    meeting_id = SelectField(_l("Meeting that decided"), coerce=int, choices=[])


class OutcomeForm(FlaskForm):
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice(value=o.value, label=_l(lbl)) for o, lbl in OUTCOME_LABELS.items()],
    )
    rkc_part = SelectField(
        _l("Part of the Convention"),
        choices=[SelectChoice(value="", label="—")]
        + [SelectChoice(value=part, label=part_label(part)) for part in RKC_PARTS],
        default="",
    )


class EvaluationForm(FlaskForm):
    qualified = SelectField(
        _l("Qualified"),
        choices=[
            SelectChoice(value="yes", label=_l("Yes")),
            SelectChoice(value="no", label=_l("No")),
        ],
    )
    meeting_id = SelectField(_l("Meeting that decided"), coerce=int, choices=[])


class DraftForm(FlaskForm):
    amendment_id = SelectField(
        _l("Amendment"),
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[InputRequired()],
    )


class ConsultationForm(FlaskForm):
    opens = DateField(_l("From"), validators=[InputRequired()])
    closes = DateField(_l("To"), validators=[InputRequired()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[InputRequired(), Length(max=20_000)])


class SplitForm(FlaskForm):
    titles = TextAreaField(
        _l("Successors, one a line"), validators=[InputRequired(), Length(max=20_000)]
    )


class MergeForm(FlaskForm):
    others = SelectMultipleField(_l("Merge with"), coerce=int, choices=[], validate_choice=False)
    title = StringField(
        _l("Title of the merged component"), validators=[InputRequired(), Length(max=500)]
    )
