"""Amendment pages: parse, check permission, call an operation, render.

Size: about 1,000 lines, one route per amendment action and the forms they share; the
operations behind them are split by concern (proposing, lifecycle, discussion, rebasing), and
the discussion routes (comments, positions, co-sponsorship) are the part to move out first.

Every page is for members only (anonymous visitors are sent to log in); a draft amendment of
another party answers 404, as if it did not exist. Bad input answers 400 with the page and the
message next to the field; a write based on something that moved on answers 409 with the
current state and the writer's own input kept.

Proposing is a two-step form without JavaScript: the submit button named `action` says
"preview" (the same form comes back with the word redline and the rendered justification,
nothing stored) or "save" (a draft amendment is stored).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from rkc.amendments import compilation_languages, discussion, proposing, queries
from rkc.amendments import languages as amendment_languages
from rkc.amendments.common import clean_text, revision_label
from rkc.amendments.errors import (
    AmendmentError,
    AmendmentRefused,
    StaleAmendmentError,
    StaleTargetError,
)
from rkc.amendments.forms import (
    PREVIEW,
    CommentForm,
    EmptyForm,
    PositionForm,
    ProposalForm,
    ResolveForm,
    SponsorAnswerForm,
    SponsorRequestForm,
    TransitionForm,
)
from rkc.amendments.models import (
    TRANSITIONS,
    Amendment,
    AmendmentAction,
    AmendmentStatus,
)
from rkc.auth.permissions import Action, can, ensure, require, role_of
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.kinds import ALLOWED_CHILDREN, CONTAINER_KINDS, KIND_LABELS
from rkc.convention.languages import (
    LANGUAGES,
    UnknownLanguage,
    parse_language,
    parse_languages,
)
from rkc.convention.models import Edition, Node, Revision, Work, utcnow
from rkc.database import as_id
from rkc.extensions import db
from rkc.interchange.compilation import FORMATS
from rkc.interchange.compilation import file_name as compilation_file_name
from rkc.interchange.compilation import recipe as compilation_recipe
from rkc.interchange.views import serve_derived
from rkc.review import citations, framework_queries
from rkc.review import queries as review_queries
from rkc.review.framework_models import OUTCOME_LABELS, STATE_LABELS, STEP_LABELS, part_label
from rkc.text.diff import word_redline
from rkc.text.merge import rebase, suggest
from rkc.web import NotFoundHere, transactional

bp = Blueprint("amendments", __name__, url_prefix="/amendments")

CHANGES = {a.value: a for a in AmendmentAction}


def _me():  # type: ignore[no-untyped-def]
    """The signed-in User itself (operations get real objects, never the proxy)."""
    return current_user._get_current_object()


# --------------------------------------------------------------------------- lookups


def _node_or_404(key: str) -> Node:
    node = text_queries.node_by_key(key)
    if node is None:
        raise NotFoundHere(
            "No such provision",
            f"Nothing in the text store has the key “{key}”. Keys look like ga/3/3.11.",
            [("All amendments", url_for(".list_amendments"))],
        )
    return node


def _draft_or_404(work: Work, slug: str | None) -> Edition:
    """The working draft a request names (?edition=slug), else the work's newest one."""
    if slug:
        edition = queries.draft_by_slug(work, slug)
        if edition is None:
            raise NotFoundHere(
                "Not a working draft",
                f"{work.short_title} has no working draft “{slug}”. Amendments are proposed "
                "to a working draft only; published editions do not change.",
                _draft_links(work),
            )
        return edition
    drafts = queries.working_drafts(work)
    if not drafts:
        raise NotFoundHere(
            "No working draft",
            f"{work.short_title} has no working draft open for amendments.",
            [("All amendments", url_for(".list_amendments"))],
        )
    return drafts[0]


def _draft_links(work: Work) -> list[tuple[str, str]]:
    return [
        (e.title, url_for("convention.show_work", work_key=work.key, edition=e.slug))
        for e in queries.working_drafts(work)
    ]


def _amendment_or_404(amendment_id: int) -> Amendment:
    amendment = queries.amendment_by_id(amendment_id)
    if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
        raise NotFoundHere(
            "No such amendment",
            f"There is no amendment #{amendment_id} that you may read. Drafts are visible to "
            "the delegates of their own party only.",
            [("All amendments", url_for(".list_amendments"))],
        )
    return amendment


def _deny() -> None:
    abort(401 if role_of(current_user) is None else 403)


# --------------------------------------------------------------------------- the provision


@bp.get("/provision/<path:key>")
@require(Action.READ_WORKING_DOCUMENTS)
def show_provision(key: str):  # type: ignore[no-untyped-def]
    node = _node_or_404(key)
    edition = _draft_or_404(node.work, request.args.get("edition"))
    page = queries.provision_page(edition, node, current_user)
    if page is None:
        raise NotFoundHere(
            "Not in the working draft",
            f"{key} is not part of “{edition.title}”, so it cannot be amended there.",
            _draft_links(node.work),
        )
    return render_template(
        "amendments/provision.html",
        page=page,
        work=node.work,
        can_propose=can(current_user, Action.PROPOSE_AMENDMENT),
        is_container=page.current.kind in CONTAINER_KINDS,
    )


# --------------------------------------------------------------------------- proposing


@dataclass
class Place:
    """Where a proposal applies: the target node, or for an insertion its parent and place."""

    edition: Edition
    node: Node
    current: Revision
    parent: Node | None
    parent_current: Revision | None
    default_after: str
    #: The language the proposal is written in; `current` is the target's text in it.
    language: str = "en"


def _place(edition: Edition, node: Node) -> Place:
    entry = text_queries.entry_of(edition, node)
    if entry is None:
        raise NotFoundHere(
            "Not in the working draft",
            f"{node.key} is not part of “{edition.title}”: only units of the working draft can "
            "be amended.",
            _draft_links(node.work),
        )
    current = entry.revision
    if current.kind in CONTAINER_KINDS:
        parent, parent_current = node, current
        children = queries.siblings(edition, node)
        default_after = (
            queries.node_keys([children[-1].node_id])[children[-1].node_id] if children else ""
        )
    else:
        parent = db.session.get(Node, current.parent_id) if current.parent_id else None
        parent_current = None
        if parent is not None:
            parent_entry = text_queries.entry_of(edition, parent)
            parent_current = parent_entry.revision if parent_entry else None
        default_after = node.key
    return Place(edition, node, current, parent, parent_current, default_after)


def _in_language(place: Place, raw: str | None) -> Place:
    """The place as read in the language a proposal is written in (`?lang=`, English by
    default): a 400 naming the parameter for a code the draft holds no text in."""
    try:
        language = parse_language(raw)
        amendment_languages.check_language(place.edition, language)
    except (UnknownLanguage, AmendmentError) as exc:
        abort(400, f"lang: {exc}")
    if language == "en":
        return place
    current = text_store.current_revision(place.edition, place.node, language)
    if current is None:
        abort(400, f"lang: {place.node.key} has no {LANGUAGES[language]} text in the draft.")
    return replace(place, current=current, language=language)


def _configure(form: ProposalForm, place: Place) -> None:
    """Choices of the insertion fields: the kinds the parent may hold, the places in it."""
    if place.parent is None or place.parent_current is None:
        form.set_kind_choices([])
        form.after.choices = []
        return
    form.set_kind_choices(sorted(ALLOWED_CHILDREN.get(place.parent_current.kind, frozenset())))
    parent_label = revision_label(place.parent_current)
    choices = [SelectChoice(value="", label=f"At the start of {parent_label}")]
    siblings = queries.siblings(place.edition, place.parent)
    keys = queries.node_keys([s.node_id for s in siblings])
    for sibling in siblings:
        choices.append(
            SelectChoice(value=keys[sibling.node_id], label=f"After {revision_label(sibling)}")
        )
    form.after.choices = choices


def _after_node(place: Place, key: str | None) -> Node | None:
    if not key:
        return None
    node = text_queries.node_by_key(key)
    if node is None:
        raise AmendmentError("after", f"Place: there is no unit “{key}”.")
    return node


@dataclass
class Preview:
    redline: Markup | None
    title_redline: Markup | None
    justification: str


def _preview(change: AmendmentAction, current: Revision | None, form: ProposalForm) -> Preview:
    text = clean_text(form.text.data)
    title = " ".join((form.title.data or "").split())
    redline = title_redline = None
    if change is AmendmentAction.INSERT:
        redline = word_redline("", text)
        title_redline = word_redline("", title) if title else None
    elif current is not None:
        if change is AmendmentAction.MODIFY:
            redline = word_redline(current.text, text)
        elif change is AmendmentAction.DELETE:
            redline = word_redline(current.text, "")
        else:
            title_redline = word_redline(current.title or "", title)
    return Preview(redline, title_redline, clean_text(form.justification.data))


def _field_error(form: ProposalForm, error: AmendmentError) -> None:
    """Show the message next to its field, or above the form when no field is at fault."""
    if error.field in form and error.field not in ("change", "base_revision_id", "expected_seq"):
        field = form[error.field]
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


@dataclass(frozen=True)
class Resolution:
    """A conflicted modification side by side: what it was written against, the text now,
    what it proposes, and a merge the engine suggests (None when it cannot make one)."""

    base: str
    current: str
    proposed: str
    suggestion: str | None

    @property
    def current_redline(self) -> Markup:
        return word_redline(self.base, self.current)

    @property
    def proposed_redline(self) -> Markup:
        return word_redline(self.base, self.proposed)


def _resolution(amendment: Amendment, place: Place) -> Resolution | None:
    if not amendment.has_conflict or amendment.action is not AmendmentAction.MODIFY:
        return None
    base = amendment.base_revision.text if amendment.base_revision else ""
    current = place.current.text
    return Resolution(
        base, current, amendment.proposed_text, suggest(base, current, amendment.proposed_text)
    )


def _proposal_page(
    form: ProposalForm,
    place: Place,
    change: AmendmentAction,
    *,
    status: int = 200,
    preview: Preview | None = None,
    amendment: Amendment | None = None,
    notice: str = "",
    resolution: Resolution | None = None,
):  # type: ignore[no-untyped-def]
    if resolution is None and amendment is not None and request.method == "POST":
        resolution = _resolution(amendment, place)
    current = None if change is AmendmentAction.INSERT else place.current
    return (
        render_template(
            "amendments/propose.html",
            form=form,
            place=place,
            change=change,
            changes=list(AmendmentAction),
            current=current,
            label=revision_label(place.current),
            parent_label=revision_label(place.parent_current) if place.parent_current else "",
            preview=preview,
            amendment=amendment,
            notice=notice,
            kind_labels=KIND_LABELS,
            resolution=resolution,
            draft_languages=amendment_languages.draft_languages(place.edition),
            LANGUAGES=LANGUAGES,
        ),
        status,
    )


@bp.route("/propose/<path:key>", methods=["GET", "POST"])
@require(Action.PROPOSE_AMENDMENT)
@transactional
def propose_amendment(key: str):  # type: ignore[no-untyped-def]
    node = _node_or_404(key)
    edition = _draft_or_404(node.work, request.args.get("edition"))
    place = _in_language(_place(edition, node), request.args.get("lang"))
    form = ProposalForm()
    _configure(form, place)
    raw_change = form.change.data if request.method == "POST" else request.args.get("change")
    change = CHANGES.get(raw_change or "modify")
    if change is None:
        abort(400, f"“{raw_change}” is not a kind of amendment: modify, insert, delete or heading.")
    if change is AmendmentAction.INSERT and place.parent is None:
        abort(400, f"{key} is the root of its work: nothing can be inserted beside it.")
    if request.method == "GET":
        form.change.data = change.value
        form.base_revision_id.data = place.current.id
        if change is AmendmentAction.MODIFY:
            form.text.data = place.current.text
        elif change is AmendmentAction.HEADING:
            form.title.data = place.current.title or ""
        elif change is AmendmentAction.INSERT:
            form.after.data = place.default_after
            kinds = [choice.value for choice in form.kind.choices]
            form.kind.data = place.current.kind if place.current.kind in kinds else None
        return _proposal_page(form, place, change)
    if not form.validate_on_submit():
        return _proposal_page(form, place, change, status=400)
    preview = _preview(change, place.current, form)
    fields = {
        "text": form.text.data,
        "title": form.title.data,
        "justification": form.justification.data,
        "concept": form.concept.data,
    }
    me = _me()
    try:
        after = _after_node(place, form.after.data) if change is AmendmentAction.INSERT else None
        if request.form.get("action") == PREVIEW:
            _check(edition, change, place, form, after)
            return _proposal_page(form, place, change, preview=preview)
        amendment = _propose(edition, change, place, form, after, me, fields)
    except StaleTargetError as exc:
        return _stale_proposal(form, place, change, exc, preview)
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        _field_error(form, exc)
        return _proposal_page(form, place, change, status=400, preview=preview)
    flash(
        f"Your draft amendment is saved ({amendment.label}). Only your party's delegates see "
        "it until you table it.",
        "info",
    )
    return redirect(url_for(".show_amendment", amendment_id=amendment.id))


def _insertion_fields(form: ProposalForm) -> dict:
    return {
        "kind": form.kind.data,
        "number": form.number.data,
        "key": form.key.data,
    }


def _check(
    edition: Edition, change: AmendmentAction, place: Place, form: ProposalForm, after: Node | None
) -> None:
    if change is AmendmentAction.INSERT:
        proposing.check_proposal(
            edition,
            change,
            parent=place.parent,
            after=after,
            text=form.text.data,
            title=form.title.data,
            justification=form.justification.data,
            concept=form.concept.data,
            language=place.language,
            **_insertion_fields(form),
        )
    else:
        proposing.check_proposal(
            edition,
            change,
            node=place.node,
            text=form.text.data,
            title=form.title.data,
            justification=form.justification.data,
            concept=form.concept.data,
            expected_revision_id=form.base_revision_id.data,
            language=place.language,
        )


def _propose(
    edition: Edition,
    change: AmendmentAction,
    place: Place,
    form: ProposalForm,
    after: Node | None,
    me,  # type: ignore[no-untyped-def]
    fields: dict,
) -> Amendment:
    common = {
        "user": me,
        "justification": fields["justification"],
        "concept": fields["concept"],
        "language": place.language,
    }
    expected = form.base_revision_id.data
    if change is AmendmentAction.MODIFY:
        return proposing.propose_modification(
            edition, place.node, text=fields["text"], expected_revision_id=expected, **common
        )
    if change is AmendmentAction.DELETE:
        return proposing.propose_deletion(
            edition, place.node, expected_revision_id=expected, **common
        )
    if change is AmendmentAction.HEADING:
        return proposing.propose_heading(
            edition, place.node, title=fields["title"], expected_revision_id=expected, **common
        )
    assert place.parent is not None
    return proposing.propose_insertion(
        edition,
        place.parent,
        after=after,
        text=fields["text"],
        title=fields["title"],
        **_insertion_fields(form),
        **common,
    )


def _stale_proposal(
    form: ProposalForm,
    place: Place,
    change: AmendmentAction,
    exc: StaleTargetError,
    preview: Preview,
):  # type: ignore[no-untyped-def]
    """409: the provision moved on. Carry the writer's text over when the merge is clean."""
    db.session.rollback()
    old = (
        db.session.get(Revision, form.base_revision_id.data) if form.base_revision_id.data else None
    )
    current = db.session.get(Revision, exc.current.id)
    assert current is not None
    notice = str(exc)
    if change is AmendmentAction.MODIFY and old is not None:
        merged = rebase(old.text, current.text, clean_text(form.text.data))
        if merged.is_clean and merged.text is not None:
            form.text.data = merged.text
            notice += " Your changes were carried over to the current text."
        else:
            notice += (
                " Your changes overlap the changes made meanwhile: your text is kept as you "
                "wrote it; compare it with the current text above."
            )
    form.base_revision_id.data = current.id
    fresh = replace(place, current=current)
    return _proposal_page(
        form, fresh, change, status=409, preview=_preview(change, current, form), notice=notice
    )


# --------------------------------------------------------------------------- one amendment


def _amendment_page(
    amendment: Amendment, *, status: int = 200, errors: dict | None = None, **forms
):  # type: ignore[no-untyped-def]
    page = queries.amendment_page(amendment, current_user)
    own = page.own_position
    context = {
        "transition_form": citation_choices(TransitionForm()),
        "sponsor_form": SponsorRequestForm(),
        "answer_form": SponsorAnswerForm(),
        "position_form": PositionForm(
            data={"stance": own.stance.value, "statement": own.statement} if own else None
        ),
        "comment_form": CommentForm(),
        "resolve_form": ResolveForm(),
    }
    context.update(forms)
    return (
        render_template(
            "amendments/amendment.html",
            a=amendment,
            page=page,
            errors=errors or {},
            statuses=list(AmendmentStatus),
            cited=citations.of_amendment(amendment),
            # The framework components it is a potential draft text of (Step 4).
            framework_places=framework_queries.drafted_for(amendment, current_user),
            step_labels=STEP_LABELS,
            outcome_labels=OUTCOME_LABELS,
            state_labels=STATE_LABELS,
            part_label=part_label,
            **context,
        ),
        status,
    )


def _id_or_none(raw: str | None) -> int | None:
    """A meeting or item id from a select ("" for none); anything else is an id that
    rkc.review.citations refuses, naming the field."""
    raw = (raw or "").strip()
    return (int(raw) if raw.isdigit() and len(raw) < 12 else -1) if raw else None


def citation_choices(form: TransitionForm) -> TransitionForm:
    """The meetings and agenda items a status change may cite (rkc/review)."""
    form.meeting.choices = [("", "—")] + [(str(m.id), m.short) for m in review_queries.meetings()]
    form.agenda_item.choices = [("", "—")] + [
        (str(n.item.id), f"{m.short} {n.number} {n.item.title}"[:90])
        for m in review_queries.meetings()
        for n in review_queries.agenda(m)
    ]
    return form


@bp.get("/<id:amendment_id>")
@require(Action.READ_WORKING_DOCUMENTS)
def show_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    return _amendment_page(_amendment_or_404(amendment_id))


def _failed(amendment_id: int, where: str, error: AmendmentError, **forms):  # type: ignore[no-untyped-def]
    """The amendment page again with the message at `where`: 409 if stale, else 400."""
    db.session.rollback()
    amendment = _amendment_or_404(amendment_id)
    status = 409 if isinstance(error, StaleAmendmentError) else 400
    return _amendment_page(amendment, status=status, errors={where: str(error)}, **forms)


@bp.route("/<id:amendment_id>/revise", methods=["GET", "POST"])
@require(Action.PROPOSE_AMENDMENT)
@transactional
def revise_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    ensure(Action.EDIT_AMENDMENT, amendment)
    anchor = amendment.node or amendment.after_node or amendment.parent_node
    assert anchor is not None
    if not amendment.status.is_pending:
        abort(
            400,
            f"{amendment.label} is {amendment.status.label.lower()}: a decided amendment cannot "
            "be revised. Propose a new amendment instead.",
        )
    place = _place(amendment.edition, anchor)
    if amendment.action is AmendmentAction.INSERT and amendment.parent_node is not None:
        parent_entry = text_queries.entry_of(amendment.edition, amendment.parent_node)
        place = Place(
            place.edition,
            place.node,
            place.current,
            amendment.parent_node,
            parent_entry.revision if parent_entry else None,
            amendment.after_node.key if amendment.after_node else "",
        )
    change = amendment.action
    form = ProposalForm()
    _configure(form, place)
    if request.method == "GET":
        form.change.data = change.value
        form.base_revision_id.data = place.current.id
        form.expected_seq.data = amendment.latest_seq
        form.text.data = amendment.proposed_text
        form.title.data = amendment.proposed_title or ""
        form.kind.data = amendment.proposed_kind
        form.number.data = amendment.proposed_number or ""
        form.key.data = amendment.proposed_key or ""
        form.after.data = place.default_after
        form.justification.data = amendment.justification
        form.concept.data = amendment.concept
        resolution = _resolution(amendment, place)
        if resolution is not None and resolution.suggestion is not None:
            form.text.data = resolution.suggestion
        return _proposal_page(form, place, change, amendment=amendment, resolution=resolution)
    if not form.validate_on_submit() or form.change.data != change.value:
        return _proposal_page(form, place, change, status=400, amendment=amendment)
    preview = _preview(change, place.current, form)
    try:
        after = _after_node(place, form.after.data) if change is AmendmentAction.INSERT else None
        insert = change is AmendmentAction.INSERT
        if request.form.get("action") == PREVIEW:
            _check(amendment.edition, change, place, form, after)
            return _proposal_page(form, place, change, preview=preview, amendment=amendment)
        proposing.revise_amendment(
            amendment,
            user=_me(),
            expected_seq=form.expected_seq.data or 0,
            text=form.text.data
            if change in (AmendmentAction.MODIFY, AmendmentAction.INSERT)
            else None,
            title=form.title.data
            if change in (AmendmentAction.HEADING, AmendmentAction.INSERT)
            else None,
            kind=form.kind.data if insert else None,
            number=form.number.data if insert else None,
            key=form.key.data if insert else None,
            after=after if insert else proposing.KEEP,
            justification=form.justification.data,
            concept=form.concept.data,
            expected_revision_id=None if insert else form.base_revision_id.data,
        )
    except StaleTargetError as exc:
        return _stale_proposal(form, place, change, exc, preview)
    except StaleAmendmentError as exc:
        db.session.rollback()
        form.expected_seq.data = amendment.latest_seq
        return _proposal_page(
            form, place, change, status=409, preview=preview, amendment=amendment, notice=str(exc)
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        _field_error(form, exc)
        return _proposal_page(form, place, change, status=400, preview=preview, amendment=amendment)
    flash(f"{amendment.label} is revised (version {amendment.latest_seq}).", "info")
    return redirect(url_for(".show_amendment", amendment_id=amendment.id))


@bp.post("/<id:amendment_id>/status")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def change_status(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    if not (
        can(current_user, Action.EDIT_AMENDMENT, amendment)
        or can(current_user, Action.RUN_WORKFLOW, amendment)
    ):
        _deny()
    form = TransitionForm()
    if not form.validate_on_submit():
        return _failed(
            amendment_id,
            "transition",
            AmendmentError("to", "The form was incomplete; nothing changed."),
        )
    target = next((s for s in AmendmentStatus if s.value == form.to.data), None)
    if target in TRANSITIONS:
        ensure(Action(TRANSITIONS[target][1]), amendment)
    try:
        superseded_by = None
        if form.superseded_by.data and form.superseded_by.data.strip():
            superseded_by = queries.amendment_by_number(amendment.edition, form.superseded_by.data)
            if superseded_by is None:
                raise AmendmentError(
                    "superseded_by",
                    f"Superseded by: there is no amendment numbered “{form.superseded_by.data}”.",
                )
        citations.change_status(
            amendment,
            form.to.data or "",
            user=_me(),
            reason=form.reason.data or "",
            superseded_by=superseded_by,
            meeting_id=_id_or_none(form.meeting.data),
            agenda_item_id=_id_or_none(form.agenda_item.data),
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "transition", exc, transition_form=citation_choices(form))
    except citations.ReviewError as exc:
        return _failed(
            amendment_id,
            "transition",
            AmendmentError(exc.field, str(exc)),
            transition_form=citation_choices(form),
        )
    except IntegrityError:
        return _failed(
            amendment_id,
            "transition",
            StaleAmendmentError(
                "to", "Another amendment was tabled at the same moment; try again."
            ),
        )
    flash(f"{amendment.label} is now {amendment.status.label.lower()}.", "info")
    return redirect(url_for(".show_amendment", amendment_id=amendment_id))


@bp.post("/<id:amendment_id>/sponsors")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def request_sponsorship(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    ensure(Action.CO_SPONSOR, amendment)
    form = SponsorRequestForm()
    try:
        if not form.validate_on_submit():
            raise AmendmentError("note", "Note: too long; nothing was sent.")
        discussion.request_co_sponsorship(amendment, user=_me(), note=form.note.data or "")
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "sponsors", exc, sponsor_form=form)
    except IntegrityError:
        return _failed(
            amendment_id,
            "sponsors",
            StaleAmendmentError("note", "Your party asked at the same moment already."),
        )
    flash(
        f"Your party's request to co-sponsor {amendment.label} is sent; the proposing party "
        "confirms it.",
        "info",
    )
    return redirect(url_for(".show_amendment", amendment_id=amendment_id))


@bp.post("/<id:amendment_id>/sponsors/<id:party_id>")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def answer_sponsorship(amendment_id: int, party_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    ensure(Action.EDIT_AMENDMENT, amendment)
    party = queries.party_by_id(party_id)
    if party is None:
        raise NotFoundHere("No such party", f"There is no Contracting Party #{party_id}.")
    form = SponsorAnswerForm()
    try:
        if not form.validate_on_submit():
            raise AmendmentError("decision", "Co-sponsorship: confirm or decline.")
        discussion.answer_co_sponsorship(
            amendment, party, user=_me(), confirm=form.decision.data == "confirm"
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "sponsors", exc)
    verb = "co-sponsors" if form.decision.data == "confirm" else "does not co-sponsor"
    flash(f"{party.name} {verb} {amendment.label}.", "info")
    return redirect(url_for(".show_amendment", amendment_id=amendment_id))


def _position(amendment_id: int, change: bool):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    ensure(Action.TAKE_POSITION, amendment)
    form = PositionForm()
    try:
        if not form.validate_on_submit():
            raise AmendmentError(
                "stance", "Position: choose support, no objection, reservation or objection."
            )
        operation = discussion.change_position if change else discussion.take_position
        position = operation(
            amendment, user=_me(), stance=form.stance.data, statement=form.statement.data or ""
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "position", exc, position_form=form)
    except IntegrityError:
        return _failed(
            amendment_id,
            "position",
            StaleAmendmentError(
                "stance", "Your party's position was recorded at the same moment; reload the page."
            ),
        )
    flash(
        f"{position.party.name}'s position on {amendment.label}: {position.stance.label.lower()}.",
        "info",
    )
    return redirect(url_for(".show_amendment", amendment_id=amendment_id) + "#positions")


@bp.post("/<id:amendment_id>/position")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def take_position(amendment_id: int):  # type: ignore[no-untyped-def]
    return _position(amendment_id, change=False)


@bp.post("/<id:amendment_id>/position/change")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def change_position(amendment_id: int):  # type: ignore[no-untyped-def]
    return _position(amendment_id, change=True)


@bp.post("/<id:amendment_id>/comments")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def add_comment(amendment_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    ensure(Action.COMMENT, amendment)
    form = CommentForm()
    try:
        if not form.validate_on_submit():
            raise AmendmentError("body", "Comment: too long or incomplete; nothing was sent.")
        reply_to = None
        if form.reply_to.data:
            reply_to = queries.comment_by_id(form.reply_to.data)
            if reply_to is None:
                raise AmendmentError("reply_to", "Reply: the comment answered does not exist.")
        comment = discussion.add_comment(
            amendment, user=_me(), body=form.body.data or "", reply_to=reply_to
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "comments", exc, comment_form=form)
    return redirect(
        url_for(".show_amendment", amendment_id=amendment_id) + f"#comment-{comment.id}"
    )


@bp.post("/<id:amendment_id>/comments/<id:comment_id>/resolve")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def resolve_comment(amendment_id: int, comment_id: int):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    comment = queries.comment_by_id(comment_id)
    if comment is None or comment.amendment_id != amendment.id:
        raise NotFoundHere("No such comment", f"{amendment.label} has no comment #{comment_id}.")
    root = queries.comment_by_id(comment.thread_id) if comment.thread_id else comment
    ensure(Action.RESOLVE_COMMENT, root)
    form = ResolveForm()
    try:
        if not form.validate_on_submit():
            raise AmendmentError("thread", "Thread: say whether to resolve or reopen it.")
        discussion.resolve_thread(comment, user=_me(), resolved=form.resolved.data == "1")
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        return _failed(amendment_id, "comments", exc)
    return redirect(
        url_for(".show_amendment", amendment_id=amendment_id) + f"#comment-{comment_id}"
    )


# --------------------------------------------------------------------------- lists


@dataclass
class Filters:
    """The filters a list or a compilation asked for; `errors` say which were ignored."""

    flt: queries.AmendmentFilter
    scope: str
    edition: Edition | None
    values: dict
    errors: list[str]


def _filters(*, default_edition: Edition | None = None, statuses_default: tuple = ()) -> Filters:
    args = request.args
    errors: list[str] = []
    values = {
        k: args.get(k, "") for k in ("scope", "status", "party", "chapter", "concept", "edition")
    }
    scope = values["scope"] if values["scope"] in ("all", "mine", "tabled") else "all"
    edition = default_edition
    if values["edition"]:
        edition = queries.draft_by_param(values["edition"])
        if edition is None:
            errors.append(f"“{values['edition']}” is not a working draft; that filter was ignored.")
            edition = default_edition
    statuses: tuple = statuses_default
    if values["status"]:
        status = next((s for s in AmendmentStatus if s.value == values["status"]), None)
        if status is None:
            errors.append(f"“{values['status']}” is not a status; that filter was ignored.")
        else:
            statuses = (status,)
    party_id = None
    if scope == "mine":
        party_id = getattr(current_user, "party_id", None)
        if party_id is None:
            errors.append("You act for no Contracting Party, so “my party's” shows nothing.")
            party_id = -1
    elif values["party"]:
        party_id = as_id(values["party"])
        if party_id is None:
            errors.append(f"“{values['party']}” is not a party; that filter was ignored.")
    flt = queries.AmendmentFilter(
        edition_id=edition.id if edition else None,
        party_id=party_id,
        statuses=statuses,
        chapter_key=values["chapter"],
        concept=values["concept"],
        tabled_only=scope == "tabled",
    )
    return Filters(flt, scope, edition, values, errors)


def _filter_choices(edition: Edition | None) -> dict:
    drafts = queries.working_drafts()
    chapter_source = edition or (drafts[-1] if drafts else None)
    return {
        "drafts": drafts,
        "chapters": queries.chapter_choices(chapter_source) if chapter_source else [],
        "concepts": queries.concepts(current_user, edition),
        "parties": queries.parties_with_amendments(current_user, edition),
        "statuses": list(AmendmentStatus),
    }


@bp.get("/")
@require(Action.READ_WORKING_DOCUMENTS)
def list_amendments():  # type: ignore[no-untyped-def]
    filters = _filters()
    found = queries.find(current_user, filters.flt)
    return render_template(
        "amendments/list.html",
        changes=found,
        filters=filters,
        **_filter_choices(filters.edition),
    )


@bp.get("/changes")
@require(Action.READ_WORKING_DOCUMENTS)
def list_changes():  # type: ignore[no-untyped-def]
    since, found = queries.changed_since_last_visit(current_user)
    return render_template(
        "amendments/changes.html", since=since, changes=found, seen_form=EmptyForm()
    )


@bp.post("/changes/seen")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def mark_seen():  # type: ignore[no-untyped-def]
    if not EmptyForm().validate_on_submit():
        abort(400, "The form was incomplete; nothing changed.")
    discussion.mark_seen(_me())
    flash("Everything up to now is marked as seen.", "info")
    return redirect(url_for(".list_changes"))


# --------------------------------------------------------------------------- compilations


def _compiled() -> tuple[queries.Compilation, Filters]:
    """The compilation the query string asks for (same filters for the page and the files)."""
    drafts = queries.working_drafts()
    if not drafts:
        raise NotFoundHere("No working draft", "No working draft is open for amendments.")
    default = next((d for d in drafts if d.work.key == "rkc"), drafts[0])
    filters = _filters(default_edition=default)
    assert filters.edition is not None
    return queries.compilation(filters.edition, filters.flt, current_user), filters


def _compilation_languages(edition: Edition, *, allow_pair: bool) -> tuple[str, ...]:
    """The `lang` of a compilation: English, French, or (the page) both side by side; a code
    the draft holds no text in is a 400 naming the parameter."""
    try:
        asked = parse_languages(request.args.get("lang"), allow_pair=allow_pair) or ("en",)
        for code in asked:
            amendment_languages.check_language(edition, code)
    except (UnknownLanguage, AmendmentError) as exc:
        abort(400, f"lang: {exc}")
    return asked


def _compilation(template: str):  # type: ignore[no-untyped-def]
    result, filters = _compiled()
    assert filters.edition is not None
    asked = _compilation_languages(filters.edition, allow_pair=True)
    paired = None
    if len(asked) == 2:
        paired = compilation_languages.side_by_side(result, (asked[0], asked[1]))
    else:
        result = compilation_languages.in_language(result, asked[0])
    return render_template(
        template,
        compilation=result,
        paired=paired,
        lang=",".join(asked),
        text_languages=asked,
        draft_languages=amendment_languages.draft_languages(filters.edition),
        LANGUAGES=LANGUAGES,
        filters=filters,
        generated_at=utcnow(),
        **_filter_choices(filters.edition),
    )


@bp.get("/compilation")
@require(Action.READ_WORKING_DOCUMENTS)
def show_compilation():  # type: ignore[no-untyped-def]
    return _compilation("amendments/compilation.html")


@bp.get("/compilation/print")
@require(Action.READ_WORKING_DOCUMENTS)
def print_compilation():  # type: ignore[no-untyped-def]
    return _compilation("amendments/compilation_print.html")


@bp.get("/compilation.<fmt>")
@require(Action.READ_WORKING_DOCUMENTS)
def export_compilation(fmt: str):  # type: ignore[no-untyped-def]
    """The compilation as Word (real tracked changes) or PDF: rkc/interchange."""
    if fmt not in FORMATS:
        raise NotFoundHere(
            "No such format", f"Compilations download as {' or '.join(FORMATS)}, not “{fmt}”."
        )
    result, filters = _compiled()
    assert filters.edition is not None
    (language,) = _compilation_languages(filters.edition, allow_pair=False)
    result = compilation_languages.in_language(result, language)
    # Built once per content, for every member who sees the same amendments the same way.
    name = compilation_file_name(result, fmt, language)
    response = serve_derived(compilation_recipe(result, fmt, language), fmt, name, "")
    response.headers["Cache-Control"] = "private, no-store"
    return response
