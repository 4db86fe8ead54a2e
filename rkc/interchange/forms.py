"""The Secretariat's import form; the delegates' upload of a marked-up Word chapter."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from rkc.convention.edition_forms import edition_slug


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose the file to import.")])
    format = SelectField(
        "Format",
        choices=[
            SelectChoice("docx", "Word document (.docx), numbered headings as described below"),
            SelectChoice("akn", "Akoma Ntoso 3.0 XML"),
        ],
    )
    base = SelectField("Start from edition", choices=[])
    slug = StringField(
        "Short name of the new working draft (used in addresses: a-z, 0-9 and '-')",
        validators=[DataRequired(), Length(max=60), edition_slug],
    )
    title = StringField(
        "Title of the new working draft", validators=[DataRequired(), Length(max=300)]
    )
    is_authentic = BooleanField("This is the authentic text deposited with the depositary")


class WordAmendmentsForm(FlaskForm):
    """A delegate's marked-up Word chapter, to become draft amendments."""

    file = FileField(
        "Word document (.docx) with tracked changes",
        validators=[FileRequired("Choose the marked-up .docx file.")],
    )
    edition = SelectField("Working draft amended", choices=[])
    concept = StringField(
        "Concept or topic of these amendments (optional)", validators=[Length(max=120)]
    )
    justification = TextAreaField(
        "Justification for every amendment made (optional; Markdown)",
        validators=[Length(max=50_000)],
    )
