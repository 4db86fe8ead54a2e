"""The Secretariat's import form; the delegates' upload of a marked-up Word chapter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from rkc.convention.edition_forms import edition_slug


class ImportForm(FlaskForm):
    #: Required unless `token` names an upload kept by a preview (checked by the view).
    file = FileField(_l("File"))
    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("docx", _l("Word document (.docx), numbered headings as described below")),
            SelectChoice("pdf", _l("PDF with text, as the WCO publishes it (previewed first)")),
            SelectChoice("akn", "Akoma Ntoso 3.0 XML"),
        ],
    )
    base = SelectField(_l("Start from edition"), choices=[])
    slug = StringField(
        _l("Short name of the new working draft (used in addresses: a-z, 0-9 and '-')"),
        validators=[DataRequired(), Length(max=60), edition_slug],
    )
    title = StringField(
        _l("Title of the new working draft"), validators=[DataRequired(), Length(max=300)]
    )
    is_authentic = BooleanField(_l("This is the authentic text deposited with the depositary"))
    language = SelectField(
        _l("Language of the file's text"),
        choices=[SelectChoice("en", _l("English")), SelectChoice("fr", _l("French"))],
        default="en",
    )
    replace_work = BooleanField(
        _l(
            "Replace the whole work: units of the starting edition that the file lacks are left "
            "out of the draft (otherwise only the chapters and annexes in the file are replaced)"
        )
    )
    accept_warnings = BooleanField(
        _l("Accept the warnings (gaps in the numbering, kinds that changed) and store the file")
    )
    #: An upload kept by the preview, confirmed without sending the file again.
    token = HiddenField()


class WordAmendmentsForm(FlaskForm):
    """A delegate's marked-up Word chapter, to become draft amendments."""

    file = FileField(
        _l("Word document (.docx) with tracked changes"),
        validators=[FileRequired(_l("Choose the marked-up .docx file."))],
    )
    edition = SelectField(_l("Working draft amended"), choices=[])
    concept = StringField(
        _l("Concept or topic of these amendments (optional)"), validators=[Length(max=120)]
    )
    justification = TextAreaField(
        _l("Justification for every amendment made (optional; Markdown)"),
        validators=[Length(max=50_000)],
    )
