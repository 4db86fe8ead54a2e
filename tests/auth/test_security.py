"""Attacks on accounts and sessions (issue 12): each test is an attack that once worked."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from rkc.audit.models import AuditEvent
from rkc.auth import operations as ops
from rkc.auth.models import ApiToken, LoginFailure
from rkc.config import configure
from rkc.convention.models import utcnow
from rkc.extensions import db

from ..conftest import make_app
from ..helpers import PASSWORD, create_people, csrf_token, log_in, user


@pytest.fixture
def people(small_app):
    return create_people()


@pytest.fixture
def web(small_app):
    return small_app.test_client()


# --------------------------------------------------------------------------- open redirect


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",  # the tab is dropped by browsers: //evil.example
        "/%0a/evil.example",
        "%09//evil.example",
        "/%0d%0aSet-Cookie:%20x=1",  # header splitting
        "//evil.example/x",
        "/\\evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "%20//evil.example",
        "evil.example",
    ],
)
def test_log_in_never_redirects_off_site(web, people, target):
    token = csrf_token(web)
    response = web.post(
        f"/login?next={target}",
        data={"csrf_token": token, "username": "delegate-a", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_log_in_follows_a_path_on_this_site(web, people):
    token = csrf_token(web)
    response = web.post(
        "/login?next=/amendments/%3Fstatus%3Ddraft",
        data={"csrf_token": token, "username": "delegate-a", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/amendments/?status=draft"


# --------------------------------------------------------------------------- sessions


def test_a_cookie_captured_before_log_out_is_dead_after_it(small_app, people):
    victim = small_app.test_client()
    log_in(victim, "delegate-a")
    stolen = victim.get_cookie("session").value
    token = csrf_token(victim, "/account")
    assert victim.post("/logout", data={"csrf_token": token}).status_code == 302

    thief = small_app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/account").status_code == 302  # to the log-in page
    assert thief.get("/api/v1/me").status_code == 401
    # The account itself is fine: logging in again works.
    assert log_in(small_app.test_client(), "delegate-a").status_code == 302


def test_log_in_starts_a_new_session_with_a_new_csrf_secret(small_app, people):
    browser = small_app.test_client()
    csrf_token(browser)  # an anonymous session with a CSRF secret, as an attacker could plant
    with browser.session_transaction() as before:
        planted = before["csrf_token"]
        before["planted"] = "by someone else"
    assert log_in(browser, "delegate-a").status_code == 302
    with browser.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != planted
    # Forms still work with the fresh secret.
    token = csrf_token(browser, "/account")
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302


# --------------------------------------------------------------------------- production


def test_production_refuses_a_short_secret_key(empty_database, tmp_path):
    with pytest.raises(RuntimeError, match="at least 32 random bytes"):
        make_app(empty_database, tmp_path, ENVIRONMENT="production", SECRET_KEY="k")


def test_production_cookies_are_secure_and_hsts_is_sent(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path, ENVIRONMENT="production", SECRET_KEY="s" * 32)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/login", base_url="https://rkc.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in response.headers["Set-Cookie"]


def test_development_generates_a_long_random_secret(tmp_path):
    (tmp_path / "secret_key").write_text("x")  # as short as an older release may have left
    app = Flask("rkc", instance_path=str(tmp_path))
    configure(app, None)
    key = app.config["SECRET_KEY"]
    assert len(bytes.fromhex(key)) >= 32
    assert (tmp_path / "secret_key").read_text() == key
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["HSTS_MAX_AGE"] == 0


# --------------------------------------------------------------------------- password policy

WEAK = ["password12345", "qwertyqwerty", "123451234512"]


@pytest.mark.parametrize("password", WEAK)
def test_common_and_patterned_passwords_are_refused_with_the_reason(web, people, password):
    log_in(web, "delegate-a")
    token = csrf_token(web, "/account")
    response = web.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": password},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "this password is too easy to guess:" in html
    assert "Add another word or two" in html  # the estimator's own advice
    assert log_in(web.application.test_client(), "delegate-a").status_code == 302  # unchanged


@pytest.mark.parametrize(
    "password",
    ["Schmidt Anna bmf 2026", "schmidt-anna-1980-!", "anna.schmidt@bmf.gv.at"],
)
def test_passwords_built_from_the_name_or_e_mail_are_refused(web, people, password):
    log_in(web, "admin")
    token = csrf_token(web, "/admin/users/new")
    response = web.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "as",
            "display_name": "Anna Schmidt",
            "email": "anna.schmidt@bmf.gv.at",
            "role": "observer",
            "party_id": 0,
            "password": password,
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "built from your name or e-mail address" in html or "too easy to guess" in html
    assert ">as<" not in web.get("/admin/users").get_data(as_text=True)


def test_the_command_line_applies_the_same_policy(small_app, people):
    runner = small_app.test_cli_runner()
    args = ["user", "create", "cli-weak", "--name", "CLI Weak", "--role", "observer"]
    refused = runner.invoke(args=[*args, "--password", "qwertyqwerty"])
    assert refused.exit_code == 1
    assert "too easy to guess" in refused.output
    reset = runner.invoke(args=["user", "set-password", "observer", "--password", "123451234512"])
    assert reset.exit_code == 1
    assert "too easy to guess" in reset.output
    created = runner.invoke(args=[*args, "--password", "lantern orchard copper 81"])
    assert created.exit_code == 0, created.output


# --------------------------------------------------------------------------- throttling


@pytest.fixture
def frozen(monkeypatch):
    """The throttling clock, stopped: now[0] moves only when a test moves it."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(ops, "clock", lambda: now[0])
    return now


def attempt(client, username, password, address):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_parallel_wrong_passwords_are_evaluated_at_most_the_allowed_number(
    small_app, people, frozen
):
    """40 wrong passwords at once for one account from one address: the count is atomic,
    so no more than the free attempts are checked; the rest wait, told for how long."""
    clients = [small_app.test_client() for _ in range(40)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(8)

    def guess(n: int):  # type: ignore[no-untyped-def]
        if n < 8:
            start.wait()
        return clients[n].post(
            "/login",
            data={"csrf_token": tokens[n], "username": "admin", "password": f"guess {n}"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(guess, range(40)))
    statuses = [a.status_code for a in answers]
    assert statuses.count(401) == ops.PAIR_FREE_ATTEMPTS, statuses
    assert statuses.count(429) == 40 - ops.PAIR_FREE_ATTEMPTS
    assert {a.headers["Retry-After"] for a in answers if a.status_code == 429} == {"2"}
    # Exactly the evaluated guesses left a failure record.
    failures = db.session.scalar(
        select(func.count(LoginFailure.id)).where(LoginFailure.username == "admin")
    )
    assert failures == ops.PAIR_FREE_ATTEMPTS


def test_failures_from_one_address_never_lock_the_account_for_others(web, people, frozen):
    attacker = "203.0.113.9"
    for n in range(ops.PAIR_FREE_ATTEMPTS):
        assert attempt(web, "admin", f"wrong {n}", attacker).status_code == 401
    blocked = attempt(web, "admin", PASSWORD, attacker)  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "2"
    assert "Wait 2 seconds" in blocked.get_data(as_text=True)
    # The administrator, from anywhere else, is not affected.
    assert attempt(web.application.test_client(), "admin", PASSWORD, "192.0.2.1").status_code == 302
    # The delays grow: 2, 4, 8 ... seconds, and the attacker waits them out one by one.
    frozen[0] += 2
    assert attempt(web, "admin", "wrong again", attacker).status_code == 401
    assert attempt(web, "admin", "wrong again", attacker).headers["Retry-After"] == "4"
    frozen[0] += 4
    assert attempt(web, "admin", "wrong again", attacker).status_code == 401
    assert attempt(web, "admin", PASSWORD, attacker).headers["Retry-After"] == "8"
    frozen[0] += 8
    assert attempt(web, "admin", PASSWORD, attacker).status_code == 302  # and starts afresh


def test_throttling_does_not_tell_whether_an_account_exists(web, people, frozen):
    answers = {}
    for name in ("delegate-b", "no-such-person"):
        for n in range(ops.PAIR_FREE_ATTEMPTS):
            attempt(web, name, f"wrong {n}", "203.0.113.10")
        answers[name] = attempt(web, name, "wrong", "203.0.113.10")
    real, unknown = answers["delegate-b"], answers["no-such-person"]
    assert real.status_code == unknown.status_code == 429
    assert real.headers["Retry-After"] == unknown.headers["Retry-After"]

    def page(answer):  # type: ignore[no-untyped-def]
        html = re.sub(r'name="csrf_token"[^>]*>', "", answer.get_data(as_text=True))
        return html.replace("no-such-person", "delegate-b")

    assert page(real) == page(unknown)


def test_spraying_from_one_address_is_slowed_not_locked(web, people, frozen):
    sprayer = "203.0.113.11"
    for n in range(ops.ADDRESS_FREE_ATTEMPTS):
        assert attempt(web, f"guess-{n}", "Winter2026!", sprayer).status_code == 401
    slowed = attempt(web, "delegate-a", PASSWORD, sprayer)
    assert slowed.status_code == 429
    assert int(slowed.headers["Retry-After"]) <= ops.ADDRESS_MAX_DELAY
    assert attempt(web, "delegate-a", PASSWORD, "192.0.2.2").status_code == 302  # elsewhere
    frozen[0] += int(slowed.headers["Retry-After"])
    assert attempt(web, "delegate-a", PASSWORD, sprayer).status_code == 302  # never locked
    for n in range(10):  # however long the spray goes on, the wait stays bounded
        frozen[0] += ops.ADDRESS_MAX_DELAY
        assert attempt(web, f"more-{n}", "Winter2026!", sprayer).status_code == 401
    assert int(attempt(web, "x", "y", sprayer).headers["Retry-After"]) <= ops.ADDRESS_MAX_DELAY


def test_a_room_behind_one_address_is_not_slowed_by_its_own_log_ins(web, people, frozen):
    """A delegation behind one address logs in many times: successes give their attempt
    back, so only failures count towards the address's slow-down."""
    room = "203.0.113.20"
    for _ in range(3 * ops.ADDRESS_FREE_ATTEMPTS):
        answer = attempt(web.application.test_client(), "delegate-a", PASSWORD, room)
        assert answer.status_code == 302, answer.headers.get("Retry-After")
    # Failures from the room still count, and the same number as before slows it.
    for n in range(ops.ADDRESS_FREE_ATTEMPTS):
        assert attempt(web, f"typo-{n}", "wrong", room).status_code == 401
    assert attempt(web, "delegate-b", PASSWORD, room).status_code == 429


def test_the_secretariat_sees_throttling_in_the_audit_log(web, people, frozen):
    for n in range(ops.PAIR_FREE_ATTEMPTS):
        attempt(web, "admin", f"wrong {n}", "203.0.113.12")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.delayed"))
    assert event is not None
    assert event.object_id == "admin"
    assert event.address == "203.0.113.12"
    assert '"wait_seconds": 2' in event.detail
    officer = web.application.test_client()
    log_in(officer, "secretariat")
    page = officer.get("/audit/?action=login.delayed").get_data(as_text=True)
    assert "203.0.113.12" in page


# --------------------------------------------------------------------------- API tokens

PROPOSAL = {"action": "modify", "node": "ga/3/3.1", "text": "Customs shall publish it."}


def make_token(web, **form) -> str:  # type: ignore[no-untyped-def]
    token = csrf_token(web, "/account")
    created = web.post("/account/tokens", data={"csrf_token": token, **form})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_data(as_text=True).split('<code class="token">')[1].split("</code>")[0]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_read_token_reads_but_cannot_write(web, people):
    log_in(web, "delegate-a")
    page = web.get("/account").get_data(as_text=True)
    assert 'name="scope"' in page
    assert 'name="expires_in"' in page
    reader = make_token(web, name="dashboard", scope="read", expires_in="30")
    api = web.application.test_client()  # the token alone, no session cookie
    assert api.get("/api/v1/me", headers=bearer(reader)).status_code == 200
    assert api.get("/api/v1/amendments", headers=bearer(reader)).status_code == 200
    refused = api.post("/api/v1/amendments", json=PROPOSAL, headers=bearer(reader))
    assert refused.status_code == 403
    assert "may only read" in refused.json["message"]
    # Not even with the owner's session cookie alongside.
    refused = web.post("/api/v1/amendments", json=PROPOSAL, headers=bearer(reader))
    assert refused.status_code == 403
    writer = make_token(web, name="script", scope="write", expires_in="0")
    created = api.post("/api/v1/amendments", json=PROPOSAL, headers=bearer(writer))
    assert created.status_code == 201, created.json
    listed = web.get("/account").get_data(as_text=True)
    assert "<td>read and write</td>" in listed
    assert "<td>read</td>" in listed
    assert "<td>never</td>" in listed  # the writer's expiry (both were used, just now)


def test_an_expired_token_is_refused(web, people):
    log_in(web, "delegate-a")
    secret = make_token(web, name="short-lived", scope="write", expires_in="7")
    api = web.application.test_client()
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "short-lived"))
    assert row.expires_at is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    answer = api.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 401
    assert "expired" in answer.json["message"]
    assert api.post("/api/v1/amendments", json=PROPOSAL, headers=bearer(secret)).status_code == 401


def test_every_token_ends_when_the_password_changes(web, people):
    log_in(web, "delegate-a")
    tokens = [make_token(web, name=f"t{n}", scope=scope, expires_in="0")
              for n, scope in enumerate(["read", "write"])]  # fmt: skip
    api = web.application.test_client()
    assert all(api.get("/api/v1/me", headers=bearer(t)).status_code == 200 for t in tokens)
    csrf = csrf_token(web, "/account")
    changed = web.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": PASSWORD, "new_password": "lantern orchard copper 81"},
    )  # fmt: skip
    assert changed.status_code == 302
    for secret in tokens:
        answer = api.get("/api/v1/me", headers=bearer(secret))
        assert answer.status_code == 401
        assert "password changed" in answer.json["message"]
    # An administrator's reset ends them too.
    fresh = make_token(web, name="after", scope="read", expires_in="0")
    ops.change_password(user(people["delegate_a"]), current=None, new="quiet meadow falcon 44")
    db.session.commit()
    assert api.get("/api/v1/me", headers=bearer(fresh)).status_code == 401


def test_a_token_scope_or_lifetime_outside_the_choices_is_refused(web, people):
    log_in(web, "delegate-a")
    token = csrf_token(web, "/account")
    for bad in ({"scope": "admin", "expires_in": "30"}, {"scope": "read", "expires_in": "9999"}):
        answer = web.post("/account/tokens", data={"csrf_token": token, "name": "x", **bad})
        assert answer.status_code == 400
        assert "Not a valid choice" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0
