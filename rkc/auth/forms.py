"""Forms for log-in, the account page and user administration (CSRF via Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from rkc.auth.models import Role
from rkc.auth.operations import TOKEN_LIFETIMES


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=512)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=512)])


class ProfileForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    email = StringField("E-mail", validators=[Optional(), Length(max=254)])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        "May",
        choices=[
            SelectChoice(value="read", label="read only"),
            SelectChoice(value="write", label="read and write (amendments, comments)"),
        ],
        default="read",
    )
    #: Days; 0 for never (until revoked or the password changes).
    expires_in = SelectField(
        "Expires",
        coerce=int,
        choices=[
            SelectChoice(value=days or 0, label=f"in {days} days" if days else "never")
            for days in TOKEN_LIFETIMES
        ],
        default=90,
    )


class RevokeForm(FlaskForm):
    """An empty form: its CSRF token is what protects the revoke button."""


ROLE_CHOICES = [SelectChoice(value=r.value, label=r.label) for r in Role]


class UserForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    display_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = StringField("E-mail", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    party_id = SelectField("Party (delegates only)", coerce=int, choices=[])
    organisation = StringField("Organisation (observers)", validators=[Optional(), Length(max=200)])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=512)])


class EditUserForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    party_id = SelectField("Party (delegates only)", coerce=int, choices=[])
    disabled = BooleanField("Account disabled")
    new_password = PasswordField("Reset password (leave empty to keep)", validators=[Optional()])
