"""Items 5 and 12 of issue 15 against a real SMTP server: notifications in the app and by
e-mail (each event, daily digest, off), one-click unsubscribe, `rkc notify` reminders, and the
password reset by e-mail token (single use, expiring)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from rkc.amendments.discussion import add_comment, request_co_sponsorship
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.notifications.cli import notify_command
from rkc.notifications.models import Notification, PasswordReset

from ..helpers import PASSWORD, create_people, csrf_token, log_in
from .conftest import body


def _people():  # type: ignore[no-untyped-def]
    people = create_people()
    for person in people.values():
        db.session.get(User, person.user_id).email = f"{person.username}@example.org"
    db.session.commit()
    return people


def _user(people, key: str) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, people[key].user_id)


def _tabled(people):  # type: ignore[no-untyped-def]
    draft = text_queries.edition_by_slug(text_queries.work_by_key("rkc"), "review-draft")
    node = text_queries.node_by_key("ga/3/3.1")
    a = _user(people, "delegate_a")
    with acting_as(Actor(a.id, a.username, "delegate")):
        current = _current(draft, node)
        amendment = propose_modification(
            draft, node, user=a, text=current.text + " Promptly.", justification="Speed."
        )
        change_status(amendment, "tabled", user=a)
    db.session.commit()
    return amendment


def _request_sponsor(people, amendment):  # type: ignore[no-untyped-def]
    b = _user(people, "delegate_b")
    with acting_as(Actor(b.id, b.username, "delegate")):
        request_co_sponsorship(amendment, user=b, note="We agree.")
    db.session.commit()


def test_each_event_goes_out_by_mail_after_the_commit_with_one_click_unsubscribe(small_app, smtp):
    people = _people()
    amendment = _tabled(people)
    _request_sponsor(people, amendment)

    mails = smtp.to("delegate-a@example.org")
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"] == f"[rkc] Test party CAN asks to co-sponsor {amendment.label}"
    assert f"https://rkc.example.org/amendments/{amendment.id}" in body(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(
        r"<https://rkc.example.org(/notifications/unsubscribe/[^>]+)>",
        "".join(mail["List-Unsubscribe"].split()),
    ).group(1)
    assert smtp.to("delegate-b@example.org") == []  # who acted is not told

    # In the app too, unread until marked.
    client = small_app.test_client()
    log_in(client, "delegate-a")
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Test party CAN asks to co-sponsor {amendment.label}" in page
    assert "1 new" in client.get("/my-work").get_data(as_text=True)

    # One click (the mail client's POST, no log-in, no CSRF token): no more e-mail.
    assert small_app.test_client().post(unsubscribe).status_code == 200
    assert small_app.test_client().post("/notifications/unsubscribe/nope").status_code == 404
    db.session.rollback()  # a fresh snapshot after the requests' writes
    a = _user(people, "delegate_a")
    with acting_as(Actor(None, "test", "system")):
        change_status(amendment, "under_discussion", user=_user(people, "secretariat"))
    db.session.commit()
    assert len(smtp.to("delegate-a@example.org")) == 1
    assert (
        db.session.scalar(
            select(Notification).where(Notification.user_id == a.id, Notification.kind == "status")
        )
        is not None
    )  # still shown in the app


def test_a_rolled_back_event_sends_nothing(small_app, smtp):
    people = _people()
    amendment = _tabled(people)
    b = _user(people, "delegate_b")
    with acting_as(Actor(b.id, b.username, "delegate")):
        request_co_sponsorship(amendment, user=b)
    db.session.rollback()
    assert smtp.messages == []


def test_daily_digest_and_preferences_through_the_page(small_app, smtp):
    people = _people()
    client = small_app.test_client()
    log_in(client, "delegate-a")
    token = csrf_token(client, "/notifications")
    saved = client.post(
        "/notifications/preferences", data={"csrf_token": token, "email_mode": "digest"}
    )
    assert saved.status_code == 302
    bad = client.post(
        "/notifications/preferences", data={"csrf_token": token, "email_mode": "loud"}
    )
    assert bad.status_code == 400
    amendment = _tabled(people)
    _request_sponsor(people, amendment)
    c = _user(people, "delegate_c")
    with acting_as(Actor(c.id, c.username, "delegate")):
        add_comment(amendment, user=c, body="Which offices?")
    db.session.commit()
    assert smtp.to("delegate-a@example.org") == []  # the digest waits for `rkc notify`

    result = small_app.test_cli_runner().invoke(notify_command)
    assert result.exit_code == 0, result.output
    digests = smtp.to("delegate-a@example.org")
    assert len(digests) == 1
    assert digests[0]["Subject"] == "[rkc] Daily digest: 2 event(s)"
    assert "Which offices?" not in digests[0]["Subject"]
    assert "commented on" in body(digests[0])
    again = small_app.test_cli_runner().invoke(notify_command)
    assert "0 digest(s) sent" in again.output  # nothing twice


def test_password_reset_by_mail_single_use_and_expiring(small_app, smtp):
    _people()
    client = small_app.test_client()
    asked = client.post(
        "/reset", data={"csrf_token": csrf_token(client, "/reset"), "login": "delegate-a"}
    )
    assert asked.status_code == 200
    unknown = client.post(
        "/reset", data={"csrf_token": csrf_token(client, "/reset"), "login": "nobody"}
    )
    assert unknown.get_data(as_text=True).count("If an account matches") == 1  # same answer
    (mail,) = smtp.to("delegate-a@example.org")
    link = re.search(r"https://rkc.example.org(/reset/\S+)", body(mail)).group(1)

    new = "a much longer passphrase for rkc 2027"
    form = client.get(link)
    assert form.status_code == 200
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)
    )
    token = token.group(1) if token else csrf_token(client, link)
    done = client.post(link, data={"csrf_token": token, "password": new, "again": new})
    assert done.status_code == 302
    assert log_in(small_app.test_client(), "delegate-a", new).status_code == 302
    assert log_in(small_app.test_client(), "delegate-a", PASSWORD).status_code == 401
    # Single use.
    assert client.get(link).status_code == 410
    # Expiring: a fresh link, moved past its end.
    client.post(
        "/reset",
        data={"csrf_token": csrf_token(client, "/reset"), "login": "delegate-a@example.org"},
    )
    link2 = re.search(
        r"https://rkc.example.org(/reset/\S+)", body(smtp.to("delegate-a@example.org")[-1])
    ).group(1)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(link2).status_code == 410
    refused = client.post(
        link2,
        data={
            "csrf_token": csrf_token(client, "/reset"),
            "password": new + "x",
            "again": new + "x",
        },
    )
    assert refused.status_code == 410
