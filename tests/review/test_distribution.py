"""Distribution levels: each role reads exactly the documents its level allows, on the
meeting page, the document page, the file download and the API."""

from __future__ import annotations

import pytest

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review import queries

from ..helpers import create_people, log_in, user
from .fixtures import PDF_BYTES, READERS, ROLES, body, review_context

MARKERS = {level: f"Zq{level.replace('_', '')}marker" for level in READERS}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_its_levels_on_every_channel(small_app, role):
    people = create_people()
    ctx = review_context()
    meeting = queries.meeting(ctx["meeting_id"])
    ids = {}
    with acting_as(Actor(None, "test-setup", "system")):
        for level, marker in MARKERS.items():
            ids[level] = ops.register_document(
                body(),
                title=marker,
                language="en",
                data=PDF_BYTES,
                filename="d.pdf",
                meeting=meeting,
                level=level,
            ).id
        secret = None
        if role != "anonymous":
            secret = auth_ops.issue_token(user(people[role]), "read", scope="read")[1]
    db.session.commit()
    client = small_app.test_client()
    headers = {}
    if role != "anonymous":
        assert log_in(client, people[role].username).status_code == 302
        headers = {"Authorization": f"Bearer {secret}"}
    page = client.get(f"/meetings/{ctx['meeting_id']}").get_data(as_text=True)
    api = client.get(f"/api/v1/meetings/{ctx['meeting_id']}", headers=headers).get_data(
        as_text=True
    )
    seen = {}
    for level, marker in MARKERS.items():
        doc = client.get(f"/documents/{ids[level]}")
        file = client.get(f"/documents/{ids[level]}/file")
        api_doc = client.get(f"/api/v1/documents/{ids[level]}", headers=headers)
        seen[level] = {
            "page": doc.status_code == 200 and marker in doc.get_data(as_text=True),
            "file": file.status_code == 200 and file.get_data() == PDF_BYTES,
            "api": api_doc.status_code == 200,
            "meeting page": marker in page,
            "meeting api": marker in api,
        }
        for response in (doc, file, api_doc):
            assert response.status_code in (200, 302, 401, 404), response.status_code
            if response.status_code != 200:
                assert marker not in response.get_data(as_text=True)
    # The meeting itself is for members: anonymous visitors see public documents by link only.
    expected = {
        level: {
            "page": role in readers,
            "file": role in readers,
            "api": role in readers and role != "anonymous",
            "meeting page": role in readers and role != "anonymous",
            "meeting api": role in readers and role != "anonymous",
        }
        for level, readers in READERS.items()
    }
    assert seen == expected
