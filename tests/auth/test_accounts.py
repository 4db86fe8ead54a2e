"""Accounts: log-in, no disclosure, sessions, passwords, tokens, demo, audit (the attacks and
the throttling are in test_security.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from rkc.audit.models import AppendOnlyError, AuditEvent
from rkc.auth import operations as ops
from rkc.auth.models import ApiToken
from rkc.extensions import db

from ..helpers import PASSWORD, create_people, csrf_token, log_in, user


@pytest.fixture
def people(small_app):
    return create_people()


@pytest.fixture
def web(small_app):
    return small_app.test_client()


def test_log_in_and_out_through_the_form(web, people):
    response = log_in(web, "delegate-a")
    assert response.status_code == 302
    home = web.get("/").get_data(as_text=True)
    assert "Delegate A" in home
    assert "Test party AUT" in home
    token = csrf_token(web, "/account")
    assert web.post("/logout", data={"csrf_token": token}).status_code == 302
    assert web.get("/account").status_code == 302  # back to the log-in page


def test_unknown_user_and_wrong_password_look_the_same(web, people):
    unknown = log_in(web, "nobody-here", PASSWORD)
    wrong = log_in(web, "delegate-a", "not the password at all")
    assert unknown.status_code == wrong.status_code == 401
    assert "Unknown user name or wrong password." in unknown.get_data(as_text=True)
    assert "Unknown user name or wrong password." in wrong.get_data(as_text=True)


def test_disabled_accounts_cannot_log_in(web, people):
    ops.set_disabled(user(people["observer"]), True)
    db.session.commit()
    assert log_in(web, "observer").status_code == 401


def test_changing_the_password_ends_other_sessions(small_app, people):
    first, second = small_app.test_client(), small_app.test_client()
    log_in(first, "secretariat")
    log_in(second, "secretariat")
    token = csrf_token(first, "/account")
    new = "a much longer new password 2026"
    response = first.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": new},
    )
    assert response.status_code == 302
    assert first.get("/account").status_code == 200  # this session continues
    assert second.get("/account").status_code == 302  # the other one has ended
    assert log_in(small_app.test_client(), "secretariat", new).status_code == 302


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("my-delegate-a-password", "must not contain the user name"),
    ],
)
def test_the_password_policy_names_the_problem(web, people, password, says):
    log_in(web, "delegate-a")
    token = csrf_token(web, "/account")
    response = web.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": password},
    )
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    assert log_in(web, "delegate-a").status_code == 302  # the old password still works


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(web, people):
    log_in(web, "delegate-a")
    token = csrf_token(web, "/account")
    created = web.post("/account/tokens", data={"csrf_token": token, "name": "my script"})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    secret = html.split('<code class="token">')[1].split("</code>")[0]
    assert secret.startswith("rkc_")
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "my script"))
    assert row.token_hash != secret
    assert secret not in row.token_hash
    assert secret not in web.get("/account").get_data(as_text=True)  # never shown again

    api = web.application.test_client()  # no session cookie: the token alone
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json == {
        "username": "delegate-a",
        "name": "Delegate A",
        "role": "delegate",
        "party": "Test party AUT",
    }
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer rkc_forged"}).status_code == 401

    revoke = web.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": token})
    assert revoke.status_code == 302
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_forms_without_a_csrf_token_are_refused(web, people):
    response = web.post("/login", data={"username": "delegate-a", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    log_in(web, "admin")
    response = web.post(
        "/admin/users/new",
        data={
            "username": "sneaky",
            "display_name": "S",
            "role": "admin",
            "party_id": 0,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "sneaky" not in web.get("/admin/users").get_data(as_text=True)


def test_administrators_create_and_disable_accounts(web, people):
    log_in(web, "admin")
    token = csrf_token(web, "/admin/users/new")
    party_id = people["delegate_a"].party_id
    response = web.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "new-delegate",
            "display_name": "New Delegate",
            "email": "",
            "role": "delegate",
            "party_id": party_id,
            "organisation": "",
            "password": "another good password",
        },
    )
    assert response.status_code == 302
    assert "new-delegate" in web.get("/admin/users").get_data(as_text=True)
    bad = web.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "partyless",
            "display_name": "No party",
            "role": "delegate",
            "party_id": 0,
            "password": "another good password",
        },
    )
    assert bad.status_code == 400
    assert "a delegate acts for exactly one Contracting Party" in bad.get_data(as_text=True)
    new_id = db.session.scalar(
        select(AuditEvent.object_id)
        .where(AuditEvent.action == "user.create")
        .order_by(AuditEvent.id.desc())
    )
    response = web.post(
        f"/admin/users/{new_id}",
        data={"csrf_token": token, "role": "delegate", "party_id": party_id, "disabled": "y"},
    )
    assert response.status_code == 302
    assert (
        log_in(web.application.test_client(), "new-delegate", "another good password").status_code
        == 401
    )


def test_every_write_is_in_the_audit_log_with_who_and_where(web, people):
    log_in(web, "admin")
    token = csrf_token(web, "/account")
    web.post(
        "/account/profile",
        data={"csrf_token": token, "display_name": "Chief Admin", "organisation": "", "email": ""},
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update_profile"))
    assert event.username == "admin"
    assert event.role == "admin"
    assert event.address == "127.0.0.1"
    assert event.object_id == str(people["admin"].user_id)


def test_the_audit_log_is_append_only(small_app, people):
    event = db.session.scalar(select(AuditEvent).limit(1))
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET action = 'forged'"))
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "forged")) is None


def test_the_secretariat_browses_and_filters_the_audit_log(web, people):
    log_in(web, "secretariat")
    html = web.get("/audit/?action=user.create").get_data(as_text=True)
    assert "user.create" in html
    assert "test-setup" in html
    filtered = web.get("/audit/?user=nobody").get_data(as_text=True)
    assert "0 event(s)" in filtered
    bad_date = web.get("/audit/?since=yesterday").get_data(as_text=True)
    assert "is not a date" in bad_date


def test_demo_accounts_are_refused_in_production(empty_database, tmp_path):
    from ..conftest import SMALL_CORPUS, make_app

    app = make_app(empty_database, tmp_path, ENVIRONMENT="production")
    result = app.test_cli_runner().invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert result.exit_code == 1
    assert "--demo refused" in result.output
    dev = make_app(empty_database, tmp_path / "dev")
    result = dev.test_cli_runner().invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert result.exit_code == 0, result.output
    assert "delegate-a" in result.output
    assert "secretariat" in result.output
    with dev.app_context():
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def test_user_commands(small_app, people):
    runner = small_app.test_cli_runner()
    created = runner.invoke(
        args=[
            "user",
            "create",
            "cli-person",
            "--name",
            "CLI Person",
            "--role",
            "delegate",
            "--party",
            "AUT",
            "--password",
            "a long cli password",
        ]
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(args=["user", "list"])
    assert "cli-person" in listed.output
    assert "Test party AUT" in listed.output
    assert runner.invoke(args=["user", "disable", "cli-person"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["user", "list"]).output
    refused = runner.invoke(args=["user", "set-role", "cli-person", "delegate"])
    assert refused.exit_code == 1
    assert "a delegate acts for exactly one Contracting Party" in refused.output
    assert runner.invoke(args=["user", "set-role", "cli-person", "observer"]).exit_code == 0
