"""Forms for log-in, the account page and user administration (CSRF via Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from rkc.auth.models import Role
from rkc.auth.operations import TOKEN_LIFETIMES


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=512)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=512)])


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        _l("May"),
        choices=[
            SelectChoice(value="read", label=_l("read only")),
            SelectChoice(value="write", label=_l("read and write (amendments, comments)")),
        ],
        default="read",
    )
    #: Days; 0 for never (until revoked or the password changes).
    expires_in = SelectField(
        _l("Expires"),
        coerce=int,
        choices=[
            SelectChoice(
                value=days or 0, label=_l("in %(days)s days", days=days) if days else _l("never")
            )
            for days in TOKEN_LIFETIMES
        ],
        default=90,
    )


class RevokeForm(FlaskForm):
    """An empty form: its CSRF token is what protects the revoke button."""


ROLE_CHOICES = [SelectChoice(value=r.value, label=r.label) for r in Role]


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    party_id = SelectField(_l("Party (delegates only)"), coerce=int, choices=[])
    organisation = StringField(
        _l("Organisation (observers)"), validators=[Optional(), Length(max=200)]
    )
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=512)])


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    party_id = SelectField(_l("Party (delegates only)"), coerce=int, choices=[])
    disabled = BooleanField(_l("Account disabled"))
    new_password = PasswordField(
        _l("Reset password (leave empty to keep)"), validators=[Optional()]
    )
