"""Every route, every role: allowed or denied, exactly as the table says.

A new route fails `test_every_route_is_in_the_matrix` until its row is added here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from rkc.amendments.proposing import propose_insertion, propose_modification
from rkc.amendments.rebasing import rebase_pending
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.convention.models import Node
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.procedure import operations as procedure_ops

from ..amendments.fixtures import amendment_context
from ..helpers import PASSWORD, create_people, csrf_token, log_in, user
from ..parties.fixtures import party_context
from ..review.fixtures import review_context
from ..review.framework_fixtures import framework_context

ROLES = ("anonymous", "delegate_a", "delegate_b", "observer", "secretariat", "admin")
EVERYONE = frozenset(ROLES)
MEMBERS = EVERYONE - {"anonymous"}
DELEGATES = frozenset({"delegate_a", "delegate_b"})
SECRETARIAT = frozenset({"secretariat"})

Url = str | Callable[[dict], str]

#: (endpoint, method, url, roles allowed)
MATRIX: list[tuple[str, str, Url, frozenset[str]]] = [
    ("convention.home", "GET", "/", EVERYONE),
    ("convention.show_work", "GET", "/w/rkc", EVERYONE),
    ("convention.show_work", "GET", "/w/rkc?edition=review-draft", MEMBERS),
    ("convention.list_editions", "GET", "/w/rkc/editions", EVERYONE),
    ("convention.show_node", "GET", "/n/ga/3/3.1", EVERYONE),
    ("convention.show_node", "GET", "/n/ga/3?edition=review-draft", MEMBERS),
    ("convention.node_history", "GET", "/n/ga/3/3.1/history", EVERYONE),
    ("convention.compare", "GET", "/w/rkc/compare", EVERYONE),
    ("convention.compare", "GET", "/w/rkc/compare?from=2006&to=review-draft", MEMBERS),
    # Search is public; a draft asked for by someone who may not read it is simply not searched.
    ("search.search_text", "GET", "/search?q=customs", EVERYONE),
    ("search.search_text", "GET", "/search?q=customs&edition=review-draft", EVERYONE),
    ("api.search_text", "GET", "/api/v1/search?q=customs", EVERYONE),
    ("editions.manage_edition", "GET", "/w/rkc/editions/2006/manage", frozenset({"secretariat"})),
    ("editions.open_draft", "POST", "/w/rkc/editions/2006/drafts", frozenset({"secretariat"})),
    (
        "editions.freeze_edition",
        "POST",
        "/w/rkc/editions/review-draft/freeze",
        frozenset({"secretariat"}),
    ),
    (
        "editions.freeze_preflight",
        "GET",
        "/w/rkc/editions/review-draft/freeze",
        frozenset({"secretariat"}),
    ),
    ("editions.reopen_edition", "POST", "/w/rkc/editions/2006/reopen", frozenset({"secretariat"})),
    (
        "editions.record_in_force",
        "POST",
        "/w/rkc/editions/2006/in-force",
        frozenset({"secretariat"}),
    ),
    ("editions.edition_changes", "GET", "/w/rkc/editions/2006/changes", EVERYONE),
    ("editions.edition_changes", "GET", "/w/rkc/editions/review-draft/changes", MEMBERS),
    ("editions.editions_feed", "GET", "/feeds/editions.atom", EVERYONE),
    ("procedure.list_recommendations", "GET", "/recommendations/", EVERYONE),
    ("procedure.new_recommendation", "GET", "/recommendations/new", frozenset({"secretariat"})),
    ("procedure.new_recommendation", "POST", "/recommendations/new", frozenset({"secretariat"})),
    (
        "procedure.show_recommendation",
        "GET",
        lambda ctx: f"/recommendations/{ctx['rec_id']}",
        EVERYONE,
    ),
    (
        "procedure.record_response",
        "POST",
        lambda ctx: f"/recommendations/{ctx['rec_id']}/responses",
        frozenset({"secretariat"}),
    ),
    (
        "procedure.apply_recommendation",
        "POST",
        lambda ctx: f"/recommendations/{ctx['rec_id']}/apply",
        frozenset({"secretariat"}),
    ),
    # Amendments: members only; drafts to their own party; each write to the roles that may.
    ("amendments.list_amendments", "GET", "/amendments/", MEMBERS),
    ("amendments.list_amendments", "GET", "/amendments/?scope=mine&chapter=ga/3", MEMBERS),
    ("amendments.list_changes", "GET", "/amendments/changes", MEMBERS),
    ("amendments.mark_seen", "POST", "/amendments/changes/seen", MEMBERS),
    ("amendments.show_provision", "GET", "/amendments/provision/ga/3/3.1", MEMBERS),
    ("amendments.show_compilation", "GET", "/amendments/compilation?chapter=ga/3", MEMBERS),
    ("amendments.print_compilation", "GET", "/amendments/compilation/print", MEMBERS),
    ("amendments.export_compilation", "GET", "/amendments/compilation.docx?chapter=ga/3", MEMBERS),
    ("amendments.export_compilation", "GET", "/amendments/compilation.pdf", MEMBERS),
    # An amendment's version in another language: the Secretariat supplies and checks it (the
    # small corpus holds English only: the Secretariat's request is a 400 there, still allowed).
    (
        "amendment_languages.edit_version",
        "GET",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/languages/fr",
        SECRETARIAT,
    ),
    (
        "amendment_languages.edit_version",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/languages/fr",
        SECRETARIAT,
    ),
    (
        "amendment_languages.check_version",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/languages/fr/check",
        SECRETARIAT,
    ),
    ("interchange.import_amendments", "GET", "/amendments/import", DELEGATES),
    ("interchange.import_amendments", "POST", "/amendments/import", DELEGATES),
    (
        "amendments.propose_amendment",
        "GET",
        "/amendments/propose/ga/3/3.1?change=modify",
        frozenset({"delegate_a", "delegate_b"}),
    ),
    (
        "amendments.propose_amendment",
        "POST",
        "/amendments/propose/ga/3/3.1",
        frozenset({"delegate_a", "delegate_b"}),
    ),
    (
        "amendments.show_amendment",
        "GET",
        lambda ctx: f"/amendments/{ctx['tabled_id']}",
        MEMBERS,
    ),
    (
        "amendments.show_amendment",
        "GET",
        lambda ctx: f"/amendments/{ctx['draft_id']}",
        frozenset({"delegate_a"}),
    ),
    (
        "amendments.revise_amendment",
        "GET",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/revise",
        frozenset({"delegate_a"}),
    ),
    (
        "amendments.revise_amendment",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/revise",
        frozenset({"delegate_a"}),
    ),
    (
        "amendments.change_status",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/status",
        frozenset({"delegate_a", "secretariat"}),
    ),
    (
        "amendments.change_status",
        "POST",
        lambda ctx: f"/amendments/{ctx['draft_id']}/status",
        frozenset({"delegate_a"}),
    ),
    (
        "amendments.request_sponsorship",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/sponsors",
        frozenset({"delegate_b"}),
    ),
    (
        "amendments.answer_sponsorship",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/sponsors/{ctx['party_b']}",
        frozenset({"delegate_a"}),
    ),
    (
        "amendments.take_position",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/position",
        frozenset({"delegate_b"}),
    ),
    (
        "amendments.change_position",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/position/change",
        frozenset({"delegate_b"}),
    ),
    (
        "amendments.add_comment",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/comments",
        frozenset({"delegate_a", "delegate_b", "secretariat"}),
    ),
    (
        "amendments.resolve_comment",
        "POST",
        lambda ctx: f"/amendments/{ctx['tabled_id']}/comments/{ctx['comment_id']}/resolve",
        frozenset({"delegate_a", "delegate_b", "secretariat"}),
    ),
    ("merge.list_drafts", "GET", "/merge/", frozenset({"secretariat"})),
    ("merge.show_queue", "GET", "/merge/rkc/review-draft", frozenset({"secretariat"})),
    ("merge.merge_amendments", "POST", "/merge/rkc/review-draft", frozenset({"secretariat"})),
    (
        "merge.write_compromise",
        "POST",
        "/merge/rkc/review-draft/compromise",
        frozenset({"secretariat"}),
    ),
    ("auth.login", "GET", "/login", EVERYONE),
    ("auth.account", "GET", "/account", MEMBERS),
    ("auth.update_profile", "POST", "/account/profile", MEMBERS),
    ("auth.change_password", "POST", "/account/password", MEMBERS),
    ("auth.issue_token", "POST", "/account/tokens", MEMBERS),
    (
        "auth.revoke_token",
        "POST",
        lambda ctx: f"/account/tokens/{ctx['token_of_b']}/revoke",
        frozenset({"delegate_b"}),
    ),
    ("admin.list_users", "GET", "/admin/users", frozenset({"admin"})),
    ("admin.create_user", "GET", "/admin/users/new", frozenset({"admin"})),
    ("admin.create_user", "POST", "/admin/users/new", frozenset({"admin"})),
    (
        "admin.edit_user",
        "GET",
        lambda ctx: f"/admin/users/{ctx['observer_id']}",
        frozenset({"admin"}),
    ),
    (
        "admin.edit_user",
        "POST",
        lambda ctx: f"/admin/users/{ctx['observer_id']}",
        frozenset({"admin"}),
    ),
    ("audit.list_events", "GET", "/audit/", frozenset({"secretariat", "admin"})),
    # Contracting Parties: the register is public; the Secretariat records; admins edit parties.
    ("parties.show_matrix", "GET", "/parties/", EVERYONE),
    ("parties.download_matrix", "GET", "/parties/matrix.csv?kind=state", EVERYONE),
    ("parties.show_charts", "GET", "/parties/charts", EVERYONE),
    ("parties.chart_parties", "GET", "/parties/charts/parties-over-time.svg", EVERYONE),
    ("parties.chart_acceptances", "GET", "/parties/charts/acceptances.svg", EVERYONE),
    ("parties.show_chapter", "GET", "/parties/chapters/sa-b/1", EVERYONE),
    ("parties.show_party", "GET", lambda ctx: f"/parties/{ctx['party_ident']}", EVERYONE),
    (
        "parties.show_binding_text",
        "GET",
        lambda ctx: f"/parties/{ctx['party_ident']}/binding?on=2012-01-01",
        EVERYONE,
    ),
    (
        "parties.download_binding_text",
        "GET",
        lambda ctx: f"/parties/{ctx['party_ident']}/binding.docx?on=2012-01-01",
        EVERYONE,
    ),
    ("parties.import_parties", "GET", "/parties/import", frozenset({"secretariat"})),
    ("parties.import_parties", "POST", "/parties/import", frozenset({"secretariat"})),
    (
        "parties.record_instrument",
        "GET",
        "/parties/{party_ident}/instrument".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_instrument",
        "POST",
        "/parties/{party_ident}/instrument".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_acceptance",
        "GET",
        "/parties/{party_ident}/acceptances/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_acceptance",
        "POST",
        "/parties/{party_ident}/acceptances/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_reservation",
        "GET",
        "/parties/{party_ident}/reservations/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_reservation",
        "POST",
        "/parties/{party_ident}/reservations/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.withdraw_reservation",
        "GET",
        "/parties/{party_ident}/reservations/{reservation_id}/withdraw".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.withdraw_reservation",
        "POST",
        "/parties/{party_ident}/reservations/{reservation_id}/withdraw".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_extension",
        "GET",
        "/parties/{party_ident}/extensions/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_extension",
        "POST",
        "/parties/{party_ident}/extensions/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_denunciation",
        "GET",
        "/parties/{party_ident}/denunciations/new".format_map,
        frozenset({"secretariat"}),
    ),
    (
        "parties.record_denunciation",
        "POST",
        "/parties/{party_ident}/denunciations/new".format_map,
        frozenset({"secretariat"}),
    ),
    ("parties.edit_party", "GET", "/parties/{party_ident}/edit".format_map, frozenset({"admin"})),
    ("parties.edit_party", "POST", "/parties/{party_ident}/edit".format_map, frozenset({"admin"})),
    (
        "parties.retract_event",
        "POST",
        lambda ctx: f"/parties/{ctx['party_ident']}/events/{ctx['party_event_id']}/retract",
        frozenset({"secretariat"}),
    ),
    (
        "parties.retract_reservation",
        "POST",
        lambda ctx: f"/parties/{ctx['party_ident']}/reservations/{ctx['reservation_id']}/retract",
        frozenset({"secretariat"}),
    ),
    ("parties.create_party", "GET", "/parties/new", frozenset({"admin"})),
    ("parties.create_party", "POST", "/parties/new", frozenset({"admin"})),
    ("api.me", "GET", "/api/v1/me", MEMBERS),
    ("api.list_works", "GET", "/api/v1/works", EVERYONE),
    ("api.show_work", "GET", "/api/v1/works/rkc", EVERYONE),
    ("api.list_editions", "GET", "/api/v1/works/rkc/editions", EVERYONE),
    ("api.show_edition", "GET", "/api/v1/works/rkc/editions/2006", EVERYONE),
    ("api.show_edition", "GET", "/api/v1/works/rkc/editions/review-draft", MEMBERS),
    ("api.show_toc", "GET", "/api/v1/works/rkc/editions/2006/toc", EVERYONE),
    ("api.show_toc", "GET", "/api/v1/works/rkc/editions/review-draft/toc", MEMBERS),
    ("api.show_diff", "GET", "/api/v1/works/rkc/diff?from=2006&to=2006", EVERYONE),
    ("api.show_diff", "GET", "/api/v1/works/rkc/diff?from=2006&to=review-draft", MEMBERS),
    ("api.show_node", "GET", "/api/v1/nodes/ga/3/3.1", EVERYONE),
    ("api.show_node", "GET", "/api/v1/nodes/ga/3?edition=review-draft", MEMBERS),
    ("api.node_history", "GET", "/api/v1/nodes/ga/3/3.1/history", EVERYONE),
    ("api.list_parties", "GET", "/api/v1/parties", EVERYONE),
    ("api.show_party", "GET", "/api/v1/parties/AUT", EVERYONE),
    ("api.party_instruments", "GET", "/api/v1/parties/AUT/instruments", EVERYONE),
    ("api.party_acceptances", "GET", "/api/v1/parties/AUT/acceptances", EVERYONE),
    ("api.party_reservations", "GET", "/api/v1/parties/AUT/reservations", EVERYONE),
    ("api.party_deadlines", "GET", "/api/v1/parties/AUT/deadlines", EVERYONE),
    ("api.party_binding", "GET", "/api/v1/parties/AUT/binding?on=2012-01-01", EVERYONE),
    ("api.openapi_document", "GET", "/api/v1/openapi.json", EVERYONE),
    # Amendments through the API: members read; writes need the member's token in the request.
    ("api.list_amendments", "GET", "/api/v1/amendments", MEMBERS),
    ("api.show_amendment", "GET", lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}", MEMBERS),
    (
        "api.show_amendment",
        "GET",
        lambda ctx: f"/api/v1/amendments/{ctx['draft_id']}",
        frozenset({"delegate_a"}),
    ),
    ("api.create_amendment", "POST", "/api/v1/amendments", DELEGATES),
    ("api.import_amendments", "POST", "/api/v1/amendments/import", DELEGATES),
    (
        "api.revise_amendment",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/revisions",
        frozenset({"delegate_a"}),
    ),
    (
        "api.change_status",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/status",
        frozenset({"delegate_a", "secretariat"}),
    ),
    (
        "api.change_status",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['draft_id']}/status",
        frozenset({"delegate_a"}),
    ),
    (
        "api.set_position",
        "PUT",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/position",
        frozenset({"delegate_b"}),
    ),
    (
        "api.add_comment",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/comments",
        frozenset({"delegate_a", "delegate_b", "secretariat"}),
    ),
    (
        "api.resolve_comment",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/comments/{ctx['comment_id']}/resolve",
        frozenset({"delegate_a", "delegate_b", "secretariat"}),
    ),
    # The discussion, co-sponsorship and languages of an amendment through the API.
    (
        "api.list_comments",
        "GET",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/comments",
        MEMBERS,
    ),
    (
        "api.list_positions",
        "GET",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/positions",
        MEMBERS,
    ),
    (
        "api.request_sponsorship",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/sponsors",
        frozenset({"delegate_b"}),
    ),
    (
        "api.answer_sponsorship",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/sponsors/CAN",
        frozenset({"delegate_a"}),
    ),
    (
        "api.write_language",
        "PUT",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/languages/en",
        SECRETARIAT,
    ),
    (
        "api.check_language",
        "POST",
        lambda ctx: f"/api/v1/amendments/{ctx['tabled_id']}/languages/en/check",
        SECRETARIAT,
    ),
    # Editions, the merge queue and merges through the API: the Secretariat alone.
    ("api.open_draft", "POST", "/api/v1/works/rkc/editions/2006/drafts", SECRETARIAT),
    ("api.freeze_preflight", "GET", "/api/v1/works/rkc/editions/review-draft/freeze", SECRETARIAT),
    ("api.freeze_edition", "POST", "/api/v1/works/rkc/editions/review-draft/freeze", SECRETARIAT),
    ("api.reopen_edition", "POST", "/api/v1/works/rkc/editions/matrix/reopen", SECRETARIAT),
    ("api.record_in_force", "POST", "/api/v1/works/rkc/editions/matrix/in-force", SECRETARIAT),
    (
        "api.merge_queue",
        "GET",
        "/api/v1/works/rkc/editions/review-draft/merge-queue",
        SECRETARIAT,
    ),
    ("api.merge_amendments", "POST", "/api/v1/works/rkc/editions/review-draft/merges", SECRETARIAT),
    (
        "api.write_compromise",
        "POST",
        "/api/v1/works/rkc/editions/review-draft/compromises",
        SECRETARIAT,
    ),
    # Recommendations and a party's events through the API: public reads, the Secretariat writes.
    ("api.list_recommendations", "GET", "/api/v1/recommendations", EVERYONE),
    (
        "api.show_recommendation",
        "GET",
        lambda ctx: f"/api/v1/recommendations/{ctx['rec_id']}",
        EVERYONE,
    ),
    ("api.create_recommendation", "POST", "/api/v1/recommendations", SECRETARIAT),
    (
        "api.record_response",
        "POST",
        lambda ctx: f"/api/v1/recommendations/{ctx['rec_id']}/responses",
        SECRETARIAT,
    ),
    (
        "api.apply_recommendation",
        "POST",
        lambda ctx: f"/api/v1/recommendations/{ctx['rec_id']}/apply",
        SECRETARIAT,
    ),
    (
        "api.party_events",
        "GET",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/events",
        EVERYONE,
    ),
    (
        "api.record_instrument",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/instruments",
        SECRETARIAT,
    ),
    (
        "api.record_acceptance",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/acceptances",
        SECRETARIAT,
    ),
    (
        "api.record_reservation",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/reservations",
        SECRETARIAT,
    ),
    (
        "api.record_extension",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/extensions",
        SECRETARIAT,
    ),
    (
        "api.record_denunciation",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/denunciations",
        SECRETARIAT,
    ),
    (
        "api.retract_event",
        "POST",
        lambda ctx: f"/api/v1/parties/{ctx['party_ident']}/events/{ctx['party_event_id']}/retract",
        SECRETARIAT,
    ),
    (
        "api.withdraw_reservation",
        "POST",
        lambda ctx: (
            f"/api/v1/parties/{ctx['party_ident']}/reservations/{ctx['reservation_id']}/withdraw"
        ),
        SECRETARIAT,
    ),
    (
        "api.retract_reservation",
        "POST",
        lambda ctx: (
            f"/api/v1/parties/{ctx['party_ident']}/reservations/{ctx['reservation_id']}/retract"
        ),
        SECRETARIAT,
    ),
    # The meeting's status and agenda order through the API.
    (
        "api.set_meeting_status",
        "POST",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/status",
        SECRETARIAT,
    ),
    (
        "api.move_agenda_item",
        "POST",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/agenda/{ctx['item_id']}/move",
        SECRETARIAT,
    ),
    ("interchange.export_text", "GET", "/w/rkc/export.akn?edition=2006&node=ga/3", EVERYONE),
    (
        "interchange.export_text",
        "GET",
        "/w/rkc/export.docx?edition=review-draft&node=ga/3",
        MEMBERS,
    ),
    ("interchange.export_compare", "GET", "/w/rkc/compare.pdf?node=ga/3", EVERYONE),
    (
        "interchange.export_compare",
        "GET",
        "/w/rkc/compare.pdf?from=2006&to=review-draft&node=ga/3",
        MEMBERS,
    ),
    ("interchange.import_text", "GET", "/w/rkc/import", frozenset({"secretariat"})),
    ("interchange.import_text", "POST", "/w/rkc/import", frozenset({"secretariat"})),
    # The review register (rkc/review): members read, the Secretariat keeps it.
    ("review.list_meetings", "GET", "/meetings/", MEMBERS),
    ("review.new_meeting", "GET", "/meetings/new", SECRETARIAT),
    ("review.new_meeting", "POST", "/meetings/new", SECRETARIAT),
    ("review.show_meeting", "GET", lambda ctx: f"/meetings/{ctx['meeting_id']}", MEMBERS),
    ("review.set_status", "POST", lambda ctx: f"/meetings/{ctx['meeting_id']}/status", SECRETARIAT),
    ("review.add_item", "POST", lambda ctx: f"/meetings/{ctx['meeting_id']}/agenda", SECRETARIAT),
    (
        "review.move_item",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/agenda/{ctx['item_id']}/move",
        SECRETARIAT,
    ),
    (
        "review.agenda_print",
        "GET",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/agenda.pdf",
        MEMBERS,
    ),
    (
        "review.meeting_calendar",
        "GET",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/meeting.ics",
        MEMBERS,
    ),
    (
        "review.register_document",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/documents",
        SECRETARIAT,
    ),
    ("review.show_document", "GET", lambda ctx: f"/documents/{ctx['document_id']}", MEMBERS),
    (
        "review.download_document",
        "GET",
        lambda ctx: f"/documents/{ctx['document_id']}/file",
        MEMBERS,
    ),
    (
        "review.add_language",
        "POST",
        lambda ctx: f"/documents/{ctx['document_id']}/languages",
        SECRETARIAT,
    ),
    (
        "review.revise_document",
        "POST",
        lambda ctx: f"/documents/{ctx['document_id']}/revise",
        SECRETARIAT,
    ),
    ("review.configure_body", "GET", lambda ctx: f"/meetings/bodies/{ctx['body_id']}", SECRETARIAT),
    (
        "review.configure_body",
        "POST",
        lambda ctx: f"/meetings/bodies/{ctx['body_id']}",
        SECRETARIAT,
    ),
    ("api.list_meetings", "GET", "/api/v1/meetings", MEMBERS),
    ("api.create_meeting", "POST", "/api/v1/meetings", SECRETARIAT),
    ("api.show_meeting", "GET", lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}", MEMBERS),
    (
        "api.meeting_agenda",
        "GET",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/agenda",
        MEMBERS,
    ),
    (
        "api.add_agenda_item",
        "POST",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/agenda",
        SECRETARIAT,
    ),
    ("api.show_document", "GET", lambda ctx: f"/api/v1/documents/{ctx['document_id']}", MEMBERS),
    # The meeting pack (anyone: a visitor's holds the public documents only), the report
    # (members read, the Secretariat writes) and compilations issued as meeting documents.
    ("review.meeting_pack", "GET", lambda ctx: f"/meetings/{ctx['meeting_id']}/pack.pdf", EVERYONE),
    ("review.show_report", "GET", lambda ctx: f"/meetings/{ctx['meeting_id']}/report", MEMBERS),
    (
        "review.save_report",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/report",
        SECRETARIAT,
    ),
    (
        "review.adopt_report",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/report/adopt",
        SECRETARIAT,
    ),
    (
        "review.add_corrigendum",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/report/corrigenda",
        SECRETARIAT,
    ),
    (
        "review.issue_compilation",
        "POST",
        lambda ctx: f"/meetings/{ctx['meeting_id']}/compilation",
        SECRETARIAT,
    ),
    # No report yet: a member reads a 404, which the matrix counts as denied.
    (
        "api.show_report",
        "GET",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/report",
        frozenset(),
    ),
    (
        "api.write_report",
        "PUT",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/report",
        SECRETARIAT,
    ),
    (
        "api.adopt_report",
        "POST",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/report/adopt",
        SECRETARIAT,
    ),
    (
        "api.add_corrigendum",
        "POST",
        lambda ctx: f"/api/v1/meetings/{ctx['meeting_id']}/report/corrigenda",
        SECRETARIAT,
    ),
    # The Four-step Framework (rkc/review/framework*.py): members read, the Secretariat writes,
    # delegates, observers and the Secretariat comment on a component.
    ("framework.dashboard", "GET", "/meetings/framework/", MEMBERS),
    ("framework.export_csv", "GET", "/meetings/framework/framework.csv", MEMBERS),
    ("framework.export_docx", "GET", "/meetings/framework/framework.docx", MEMBERS),
    ("framework.create_concept", "POST", "/meetings/framework/concepts", SECRETARIAT),
    ("framework.create_proposal", "POST", "/meetings/framework/proposals", SECRETARIAT),
    ("framework.add_criterion", "POST", "/meetings/framework/criteria", SECRETARIAT),
    (
        "framework.show_concept",
        "GET",
        lambda ctx: f"/meetings/framework/concepts/{ctx['concept_id']}",
        MEMBERS,
    ),
    (
        "framework.show_proposal",
        "GET",
        lambda ctx: f"/meetings/framework/proposals/{ctx['proposal_id']}",
        MEMBERS,
    ),
    (
        "framework.show_component",
        "GET",
        lambda ctx: f"/meetings/framework/components/{ctx['component_id']}",
        MEMBERS,
    ),
    *[
        (
            f"framework.{endpoint}",
            "POST",
            lambda ctx, path=path: f"/meetings/framework/components/{ctx['component_id']}/{path}",
            SECRETARIAT,
        )
        for endpoint, path in (
            ("move_step", "step"),
            ("set_outcome", "outcome"),
            ("evaluate", "evaluation"),
            ("link_draft", "drafts"),
            ("set_consultation", "consultation"),
            ("split", "split"),
            ("merge", "merge"),
        )
    ],
    (
        "framework.add_comment",
        "POST",
        lambda ctx: f"/meetings/framework/components/{ctx['component_id']}/comments",
        frozenset({"delegate_a", "delegate_b", "observer", "secretariat"}),
    ),
    (
        "framework.retire_criterion",
        "POST",
        lambda ctx: f"/meetings/framework/criteria/{ctx['criterion_id']}/retire",
        SECRETARIAT,
    ),
    ("api.list_concepts", "GET", "/api/v1/concepts", MEMBERS),
    ("api.create_concept", "POST", "/api/v1/concepts", SECRETARIAT),
    ("api.list_criteria", "GET", "/api/v1/framework/criteria", MEMBERS),
    ("api.list_proposals", "GET", "/api/v1/proposals", MEMBERS),
    ("api.create_proposal", "POST", "/api/v1/proposals", SECRETARIAT),
    (
        "api.show_proposal",
        "GET",
        lambda ctx: f"/api/v1/proposals/{ctx['proposal_id']}",
        MEMBERS,
    ),
    (
        "api.show_component",
        "GET",
        lambda ctx: f"/api/v1/components/{ctx['component_id']}",
        MEMBERS,
    ),
    (
        "api.list_component_comments",
        "GET",
        lambda ctx: f"/api/v1/components/{ctx['component_id']}/comments",
        MEMBERS,
    ),
    (
        "api.comment_on_component",
        "POST",
        lambda ctx: f"/api/v1/components/{ctx['component_id']}/comments",
        frozenset({"delegate_a", "delegate_b", "observer", "secretariat"}),
    ),
    *[
        (
            f"api.{endpoint}",
            "POST",
            lambda ctx, path=path: f"/api/v1/components/{ctx['component_id']}/{path}",
            SECRETARIAT,
        )
        for endpoint, path in (
            ("move_component_step", "step"),
            ("set_component_outcome", "outcome"),
            ("evaluate_component", "evaluation"),
            ("link_component_draft", "drafts"),
            ("set_component_consultation", "consultation"),
            ("split_component", "split"),
            ("merge_components", "merge"),
        )
    ],
    ("health.check_health", "GET", "/healthz", EVERYONE),
    ("notifications.my_work", "GET", "/my-work", MEMBERS),
    ("notifications.list_notifications", "GET", "/notifications", MEMBERS),
    ("notifications.mark_all_read", "POST", "/notifications/read", MEMBERS),
    ("notifications.save_preferences", "POST", "/notifications/preferences", MEMBERS),
    # An unknown unsubscribe secret is nobody's (the real one is tested in tests/notifications).
    ("notifications.unsubscribe", "GET", "/notifications/unsubscribe/unknown", frozenset()),
    ("reset.ask", "GET", "/reset", EVERYONE),
    ("reset.ask", "POST", "/reset", EVERYONE),
    ("reset.choose", "GET", "/reset/unknown-token", EVERYONE),
    # The interface language switch: anyone (a cookie; a member's choice is also stored).
    ("i18n.set_interface_language", "POST", "/interface-language", EVERYONE),
    # Last: it ends the session the other rows rely on.
    ("auth.logout", "POST", "/logout", EVERYONE),
]


def test_every_route_is_in_the_matrix(small_app):
    covered = {endpoint for endpoint, *_ in MATRIX}
    routes = {rule.endpoint for rule in small_app.url_map.iter_rules()} - {"static"}
    assert routes - covered == set(), "add these endpoints to MATRIX"


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code in (401, 403, 404):
        return "denied"
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "denied"
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    return "allowed"


def _setup() -> tuple[dict, dict[str, str], dict]:
    """People of every role, their API secrets, and the ids the matrix's addresses need."""
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        token, _secret = auth_ops.issue_token(user(people["delegate_b"]), "b's token")
        # The API writes only with the member's token in the request (a cookie alone reads).
        secrets = {
            key: auth_ops.issue_token(user(person), "matrix")[1] for key, person in people.items()
        }
        work = queries.work_by_key("rkc")
        adopted = text_ops.open_draft(
            queries.edition_by_slug(work, "2006"), slug="matrix", title="M"
        )
        text_ops.freeze(adopted, adopted_on=date(2026, 1, 1))
        rec = procedure_ops.recommend(
            adopted,
            procedure="annex",
            session="MC",
            decided_on=date(2026, 1, 1),
            communicated_on=date(2026, 2, 1),
        )
    db.session.commit()
    ctx = {"token_of_b": token.id, "observer_id": people["observer"].user_id, "rec_id": rec.id}
    ctx.update(amendment_context(people))
    ctx.update(party_context(people))
    ctx.update(review_context(people))
    ctx.update(framework_context(people, ctx))
    return people, secrets, ctx


def _client_for(app, people: dict, secrets: dict[str, str], role: str):  # type: ignore[no-untyped-def]
    """A client acting as `role` (its session cookie), and the API headers (its token)."""
    client = app.test_client()
    if role == "anonymous":
        return client, {}
    assert log_in(client, people[role].username).status_code == 302
    return client, {"Authorization": f"Bearer {secrets[role]}"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_allows(small_app, role):
    people, secrets, ctx = _setup()
    client, api_headers = _client_for(small_app, people, secrets, role)
    wrong = []
    for endpoint, method, url, allowed in MATRIX:
        target = url(ctx) if callable(url) else url
        headers = api_headers if target.startswith("/api/") else {}
        if method == "GET":
            response = client.get(target, headers=headers)
        else:
            response = client.open(
                target,
                method=method,
                data={"csrf_token": csrf_token(client, "/login")},
                headers=headers,
            )
        got = _outcome(response)
        expected = "allowed" if role in allowed else "denied"
        if got != expected:
            wrong.append(
                f"{method} {target} ({endpoint}): {got} ({response.status_code}), expected {expected}"
            )
    assert wrong == []


# --------------------------------------------------------------------------- draft amendments

#: One marker per field of a draft amendment, and one for the party that alone proposed it.
DRAFT_MARKERS = {
    "concept": "zqconceptmarker",
    "title": "Zqtitlemarker",
    "justification": "zqjustificationmarker",
    "text": "zqtextmarker",
}
PARTY_MARKER = "Zqpartymarker"
#: Endpoints that list every party or account, whatever it proposes: the register, the
#: recommendations (every party's response), the accounts and the audit log (the accounts made).
#: The framework's dashboard offers the Secretariat every party as a proponent or co-sponsor.
REGISTERS = (
    "parties.",
    "api.list_parties",
    "api.show_party",
    "procedure.",
    "admin.",
    "audit.",
    "framework.dashboard",
)

#: Addresses where a draft would show if a list, filter, count or page let it through, beyond
#: the matrix's own rows (which are all visited too).
DRAFT_PROBES: list[Url] = [
    "/amendments/?status=draft",
    "/amendments/?scope=all&edition=rkc/review-draft",
    "/amendments/compilation",
    "/amendments/compilation?status=draft",
    "/amendments/compilation.docx",
    "/amendments/provision/ga/3",
    "/amendments/provision/ga/3/3.1",
    "/api/v1/amendments",
    "/api/v1/amendments?status=draft",
    lambda ctx: f"/amendments/{ctx['marked_id']}",
    lambda ctx: f"/api/v1/amendments/{ctx['marked_id']}",
]


def _marked_drafts() -> int:
    """Two draft amendments by the one delegate of a party that proposes nothing else: an
    insertion carrying a marker in every field, and a modification left in conflict by a later
    change to the text (so that it shows wherever conflicts are listed); committed. Returns
    the insertion's id."""
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    with acting_as(Actor(None, "test-setup", "system")):
        marked_party = Party(name=f"{PARTY_MARKER} Republic", iso3="ZQM")
        db.session.add(marked_party)
        db.session.flush()
        author = auth_ops.create_user(
            username="marker-delegate",
            display_name="Marker Delegate",
            password=PASSWORD,
            role="delegate",
            party=marked_party,
        )
        after = queries.node_by_key("ga/3/3.1")
        section = db.session.get(Node, text_ops.current_revision(draft, after).parent_id)
        marked = propose_insertion(
            draft,
            section,
            user=author,
            after=after,
            kind="standard",
            number="3.1a",
            title=DRAFT_MARKERS["title"],
            text=f"Customs shall {DRAFT_MARKERS['text']} the goods.",
            justification=f"Because of {DRAFT_MARKERS['justification']}.",
            concept=DRAFT_MARKERS["concept"],
        )
        target = queries.node_by_key("ga/3/3.2")
        current = text_ops.current_revision(draft, target)
        propose_modification(
            draft,
            target,
            user=author,
            text=f"{DRAFT_MARKERS['text']} {current.text}",
            concept=DRAFT_MARKERS["concept"],
        )
        text_ops.revise(
            draft, target, expected_revision_id=current.id, text=f"Rewritten. {current.text}"
        )
        assert rebase_pending(target, draft).conflicts
    db.session.commit()
    return marked.id


def _readable(response) -> str:  # type: ignore[no-untyped-def]
    """What a person (or a program) can read in a response: the text inside a PDF, every part
    of a Word file, the body otherwise."""
    data = response.get_data()
    if data.startswith(b"%PDF"):
        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        except PdfReadError:  # not a whole PDF: read its bytes as they are
            return data.decode("latin-1")
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_no_other_viewer_sees_anything_of_a_draft_amendment(small_app, role):
    """A draft belongs to its party until tabled: no page, list, filter, count, download or
    API answer shows its concept, heading, justification, text, or that its party proposes
    anything, to any other viewer (every GET of the matrix and the probes above)."""
    people, secrets, ctx = _setup()
    ctx["marked_id"] = _marked_drafts()
    client, api_headers = _client_for(small_app, people, secrets, role)
    addresses = [(endpoint, url) for endpoint, method, url, _allowed in MATRIX if method == "GET"]
    leaks = []
    for endpoint, url in addresses + [("probe", url) for url in DRAFT_PROBES]:
        target = url(ctx) if callable(url) else url
        response = client.get(target, headers=api_headers if target.startswith("/api/") else {})
        assert response.status_code < 500, target
        seen = _readable(response).lower()
        leaks += [f"{target}: {field}" for field, m in DRAFT_MARKERS.items() if m.lower() in seen]
        # The party is in the register for all to see; that it proposes amendments is not.
        # The party is in the register, and its delegate in the accounts, for those who may
        # see them; that it proposes anything shows nowhere.
        if PARTY_MARKER.lower() in seen and not endpoint.startswith(REGISTERS):
            leaks.append(f"{target}: party")
    assert leaks == [], "\n".join(leaks)
