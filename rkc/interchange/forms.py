"""The Secretariat's import form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


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
        "Short name of the new working draft (used in addresses)",
        validators=[DataRequired(), Length(max=60)],
    )
    title = StringField(
        "Title of the new working draft", validators=[DataRequired(), Length(max=300)]
    )
    is_authentic = BooleanField("This is the authentic text deposited with the depositary")
