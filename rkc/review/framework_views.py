"""Pages of the Four-step Framework: the dashboard, concepts, proposals and components.

Members read (`Action.READ_MEETINGS`); the Secretariat writes (`Action.MANAGE_MEETINGS`);
delegates, observers and the Secretariat comment on a component while its consultation is
open (`Action.COMMENT_ON_COMPONENT`). Writes go through rkc.review.framework; a refusal shows
the page again, 400, with the message on the field at fault, and stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from rkc import clock
from rkc.amendments.models import Amendment, AmendmentStatus
from rkc.auth.permissions import Action, can, ensure
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.review import framework as fw
from rkc.review import framework_queries as fq
from rkc.review import queries as review_queries
from rkc.review.framework_exports import dashboard_csv, dashboard_docx
from rkc.review.framework_forms import (
    ActionForm,
    CommentForm,
    ConceptForm,
    ConsultationForm,
    CriterionForm,
    DraftForm,
    EvaluationForm,
    MergeForm,
    OutcomeForm,
    ProposalForm,
    SplitForm,
    StepForm,
)
from rkc.review.framework_models import (
    OUTCOME_LABELS,
    STATE_LABELS,
    STEP_LABELS,
    Component,
    Outcome,
    part_label,
)
from rkc.web import NotFoundHere, attachment, transactional

bp = Blueprint("framework", __name__, url_prefix="/meetings/framework")


def _or_404(found: Any, message: str) -> Any:
    if found is None:
        raise NotFoundHere(
            gettext("Not found"),
            message,
            [(url_for(".dashboard"), gettext("Four-step Framework"))],
        )
    return found


def _field_error(form, exc: fw.ReviewError, fallback: str) -> None:  # type: ignore[no-untyped-def]
    field = getattr(form, exc.field, None) or getattr(form, fallback)
    field.errors = [*field.errors, str(exc)]


def _parties() -> list[Party]:
    return list(db.session.scalars(select(Party).order_by(Party.name)))


def _meeting_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [(m.id, m.title) for m in review_queries.meetings()]


def _labels() -> dict[str, Any]:
    return {
        "step_labels": STEP_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "state_labels": STATE_LABELS,
        "part_label": part_label,
    }


def shown_label(row: fq.Count) -> str:
    """A dashboard group's name in the interface language."""
    if row.dimension == "step":
        return gettext(STEP_LABELS[int(row.key)])
    if row.dimension == "outcome":
        return gettext(row.label)
    if row.dimension == "annex":
        if row.key == "body":
            return gettext("Body")
        if row.key == "general":
            return gettext("General Annex")
        return gettext("Specific Annex %(letter)s", letter=row.key[-1].upper())
    return row.label


def chart(rows: list[fq.Count], width: int = 300) -> list[dict[str, Any]]:
    """Bars for the server-rendered SVG chart: components per group, scaled to `width`."""
    most = max((r.components for r in rows), default=0) or 1
    return [
        {
            "label": shown_label(r),
            "value": r.components,
            "width": round(width * r.components / most),
            "y": 24 * i,
        }
        for i, r in enumerate(rows)
    ]


# --------------------------------------------------------------------------- dashboard


def _proposal_form(form: ProposalForm | None = None) -> ProposalForm:
    form = form or ProposalForm(prefix="proposal")
    parties = _parties()
    form.concept_id.choices = [(c.id, f"{c.code}: {c.name}") for c in fq.concepts()]
    form.party_id.choices = [(0, "—")] + [(p.id, p.name) for p in parties]
    form.co_sponsors.choices = [(p.id, p.name) for p in parties]
    documents = [
        d for m in review_queries.meetings() for d in review_queries.documents_of(m, current_user)
    ]
    form.document_id.choices = [(0, "—")] + [(d.id, f"{d.symbol}: {d.title}") for d in documents]
    return form


def _dashboard(status: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    rows = fq.dashboard()
    groups = {dim: [r for r in rows if r.dimension == dim] for dim in fq.DIMENSIONS}
    return (
        render_template(
            "review/framework/dashboard.html",
            groups=groups,
            charts={dim: chart(group) for dim, group in groups.items()},
            shown_label=shown_label,
            concepts=fq.concepts(),
            proposals=fq.proposals(),
            criteria=fq.criteria(),
            may_manage=can(current_user, Action.MANAGE_MEETINGS),
            concept_form=forms.get("concept_form") or ConceptForm(prefix="concept"),
            proposal_form=_proposal_form(forms.get("proposal_form")),
            criterion_form=forms.get("criterion_form") or CriterionForm(prefix="criterion"),
            action_form=ActionForm(),
            **_labels(),
        ),
        status,
    )


@bp.get("/")
def dashboard():  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return _dashboard()


@bp.get("/framework.csv")
def export_csv():  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return attachment(dashboard_csv(fq.dashboard()), "text/csv", "four-step-framework.csv")


@bp.get("/framework.docx")
def export_docx():  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    data = dashboard_docx(fq.dashboard(), generated_at=datetime.now(UTC))
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return attachment(data, mimetype, "four-step-framework.docx")


@bp.post("/concepts")
@transactional
def create_concept():  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    form = ConceptForm(prefix="concept")
    if form.validate_on_submit():
        try:
            concept = fw.create_concept(code=form.code.data, name=form.name.data)
        except fw.ReviewError as exc:
            _field_error(form, exc, "code")
        else:
            flash(gettext("Concept %(code)s recorded.", code=concept.code), "info")
            return redirect(url_for(".show_concept", concept_id=concept.id))
    return _dashboard(400, concept_form=form)


@bp.post("/proposals")
@transactional
def create_proposal():  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    form = _proposal_form(ProposalForm(prefix="proposal"))
    if form.validate_on_submit():
        try:
            concept = fq.concept(form.concept_id.data)
            if concept is None:
                raise fw.ReviewError("concept_id", "Concept: choose a concept.")
            document = None
            if form.document_id.data:
                document = review_queries.document(form.document_id.data)
            proposal = fw.create_proposal(
                concept,
                title=form.title.data,
                submitted_on=form.submitted_on.data,
                party=db.session.get(Party, form.party_id.data) if form.party_id.data else None,
                organisation=form.organisation.data or "",
                co_sponsors=[db.session.get(Party, pid) for pid in form.co_sponsors.data or []],
                document=document,
                track=form.track.data or "",
                components=[line for line in form.components.data.splitlines() if line.strip()],
            )
        except fw.ReviewError as exc:
            _field_error(form, exc, "title")
        else:
            flash(gettext("Proposal recorded."), "info")
            return redirect(url_for(".show_proposal", proposal_id=proposal.id))
    return _dashboard(400, proposal_form=form)


@bp.post("/criteria")
@transactional
def add_criterion():  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    form = CriterionForm(prefix="criterion")
    if form.validate_on_submit():
        try:
            fw.add_criterion(form.text.data)
        except fw.ReviewError as exc:
            _field_error(form, exc, "text")
        else:
            flash(gettext("Criterion added."), "info")
            return redirect(url_for(".dashboard") + "#criteria")
    return _dashboard(400, criterion_form=form)


@bp.post("/criteria/<id:criterion_id>/retire")
@transactional
def retire_criterion(criterion_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    criterion = _or_404(
        next((c for c in fq.criteria() if c.id == criterion_id), None),
        gettext("There is no criterion number %(number)s.", number=criterion_id),
    )
    if not ActionForm().validate_on_submit():
        return _dashboard(400)
    fw.retire_criterion(criterion)
    flash(gettext("Criterion retired; past evaluations keep it."), "info")
    return redirect(url_for(".dashboard") + "#criteria")


# --------------------------------------------------------------------------- concepts, proposals


@bp.get("/concepts/<id:concept_id>")
def show_concept(concept_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    concept = _or_404(
        fq.concept(concept_id),
        gettext("There is no concept number %(number)s.", number=concept_id),
    )
    named = [
        a
        for a in db.session.scalars(
            select(Amendment)
            .where(Amendment.concept != "", Amendment.status != AmendmentStatus.DRAFT)
            .order_by(Amendment.id)
        )
        if fw.concept_for_text(a.concept) is concept and can(current_user, Action.READ_AMENDMENT, a)
    ]
    return render_template(
        "review/framework/concept.html",
        concept=concept,
        proposals=fq.proposals(concept.id),
        components=fq.components(concept_id=concept.id),
        amendments=named,
        **_labels(),
    )


@bp.get("/proposals/<id:proposal_id>")
def show_proposal(proposal_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    proposal = _or_404(
        fq.proposal(proposal_id),
        gettext("There is no proposal number %(number)s.", number=proposal_id),
    )
    document = proposal.document
    return render_template(
        "review/framework/proposal.html",
        proposal=proposal,
        document=document
        if document and can(current_user, Action.READ_DOCUMENT, document)
        else None,
        components=fq.components(proposal_id=proposal.id),
        **_labels(),
    )


# --------------------------------------------------------------------------- components


def _candidates(component: Component) -> list[Amendment]:
    """Amendments a component at Step 4 may take as draft texts: published ones of the text
    its outcome names, not linked yet."""
    work = fw.DRAFT_WORK.get(component.outcome)  # type: ignore[arg-type]
    if component.step != 4 or work is None:
        return []
    linked = {a.id for a in fq.drafts(component, current_user)}
    return [
        a
        for a in db.session.scalars(
            select(Amendment)
            .where(Amendment.status != AmendmentStatus.DRAFT)
            .order_by(Amendment.id)
        )
        if a.edition.work.key == work and a.id not in linked
    ]


def _component_page(component: Component, status: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    meetings = _meeting_choices()
    step_form = forms.get("step_form") or StepForm(prefix="step", step=min(component.step + 1, 4))
    step_form.meeting_id.choices = meetings
    evaluation_form = forms.get("evaluation_form") or EvaluationForm(prefix="evaluation")
    evaluation_form.meeting_id.choices = meetings
    draft_form = forms.get("draft_form") or DraftForm(prefix="draft")
    draft_form.amendment_id.choices = [
        (a.id, f"{a.label}: {a.justification[:60]}") for a in _candidates(component)
    ]
    merge_form = forms.get("merge_form") or MergeForm(prefix="merge")
    merge_form.others.choices = [
        (c.id, c.title)
        for c in fq.components(concept_id=component.concept_id)
        if c.is_active and c.id != component.id
    ]
    drafts = fq.drafts(component, current_user)
    return (
        render_template(
            "review/framework/component.html",
            component=component,
            predecessors=fq.predecessors(component),
            successors=fq.successors(component),
            moves=fq.step_moves(component),
            evaluations=fq.evaluations(component),
            criteria=fq.criteria(),
            drafts=[(a, fw.concept_for_text(a.concept)) for a in drafts],
            comments=fq.comments(component),
            is_open=fw.consultation_open(component, clock.today()),
            may_manage=can(current_user, Action.MANAGE_MEETINGS) and component.is_active,
            may_comment=can(current_user, Action.COMMENT_ON_COMPONENT),
            step_form=step_form,
            outcome_form=forms.get("outcome_form")
            or OutcomeForm(prefix="outcome", outcome=(component.outcome or Outcome.RKC).value),
            evaluation_form=evaluation_form,
            evaluation_error=forms.get("evaluation_error"),
            draft_form=draft_form,
            consultation_form=forms.get("consultation_form")
            or ConsultationForm(
                prefix="consultation",
                opens=component.consultation_opens,
                closes=component.consultation_closes,
            ),
            comment_form=forms.get("comment_form") or CommentForm(prefix="comment"),
            split_form=forms.get("split_form") or SplitForm(prefix="split"),
            merge_form=merge_form,
            **_labels(),
        ),
        status,
    )


def _component(component_id: int) -> Component:
    return _or_404(
        fq.component(component_id),
        gettext("There is no component number %(number)s.", number=component_id),
    )


@bp.get("/components/<id:component_id>")
def show_component(component_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return _component_page(_component(component_id))


def _write(
    component_id: int,
    form_class,
    prefix: str,
    fallback: str,
    act,
    done: str,
    *,
    action=Action.MANAGE_MEETINGS,
):  # type: ignore[no-untyped-def]
    """Check the role, read the form, act; a refusal shows the component page again (400)."""
    ensure(action)
    component = _component(component_id)
    form = form_class(prefix=prefix)
    if hasattr(form, "meeting_id"):
        form.meeting_id.choices = _meeting_choices()
    if form.validate_on_submit():
        try:
            target = act(component, form) or component
        except fw.ReviewError as exc:
            _field_error(form, exc, fallback)
        else:
            flash(done, "info")
            return redirect(url_for(".show_component", component_id=target.id))
    return _component_page(component, 400, **{f"{prefix}_form": form})


def _meeting(form) -> Any:  # type: ignore[no-untyped-def]
    return review_queries.meeting(form.meeting_id.data) if form.meeting_id.data else None


@bp.post("/components/<id:component_id>/step")
@transactional
def move_step(component_id: int):  # type: ignore[no-untyped-def]
    return _write(
        component_id,
        StepForm,
        "step",
        "step",
        lambda c, f: fw.move_step(c, f.step.data, reason=f.reason.data or "", meeting=_meeting(f)),
        gettext("Step recorded."),
    )


@bp.post("/components/<id:component_id>/outcome")
@transactional
def set_outcome(component_id: int):  # type: ignore[no-untyped-def]
    return _write(
        component_id,
        OutcomeForm,
        "outcome",
        "outcome",
        lambda c, f: fw.set_outcome(c, f.outcome.data, rkc_part=f.rkc_part.data or ""),
        gettext("Outcome recorded."),
    )


@bp.post("/components/<id:component_id>/evaluation")
@transactional
def evaluate(component_id: int):  # type: ignore[no-untyped-def]
    def act(component: Component, form: EvaluationForm) -> None:
        results = {}
        for criterion in fq.criteria():
            met = request.form.get(f"met_{criterion.id}")
            if met in ("yes", "no"):
                results[criterion.id] = (met == "yes", request.form.get(f"note_{criterion.id}", ""))
        fw.evaluate(
            component,
            results=results,
            qualified=form.qualified.data == "yes",
            meeting=_meeting(form),
        )

    return _write(
        component_id,
        EvaluationForm,
        "evaluation",
        "qualified",
        act,
        gettext("Evaluation recorded."),
    )


def _amendment(amendment_id: int | None) -> Amendment:
    amendment = db.session.get(Amendment, amendment_id) if amendment_id else None
    if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
        raise fw.ReviewError("amendment_id", f"Draft: there is no amendment {amendment_id}.")
    return amendment


@bp.post("/components/<id:component_id>/drafts")
@transactional
def link_draft(component_id: int):  # type: ignore[no-untyped-def]
    return _write(
        component_id,
        DraftForm,
        "draft",
        "amendment_id",
        lambda c, f: fw.link_draft(c, _amendment(f.amendment_id.data)) and None,
        gettext("Draft text linked."),
    )


@bp.post("/components/<id:component_id>/consultation")
@transactional
def set_consultation(component_id: int):  # type: ignore[no-untyped-def]
    return _write(
        component_id,
        ConsultationForm,
        "consultation",
        "opens",
        lambda c, f: fw.set_consultation(c, opens=f.opens.data, closes=f.closes.data),
        gettext("Consultation window recorded."),
    )


@bp.post("/components/<id:component_id>/comments")
@transactional
def add_comment(component_id: int):  # type: ignore[no-untyped-def]
    return _write(
        component_id,
        CommentForm,
        "comment",
        "body",
        lambda c, f: (
            fw.add_comment(c, user=current_user, body=f.body.data, today=clock.today()) and None
        ),
        gettext("Comment recorded."),
        action=Action.COMMENT_ON_COMPONENT,
    )


@bp.post("/components/<id:component_id>/split")
@transactional
def split(component_id: int):  # type: ignore[no-untyped-def]
    def act(component: Component, form: SplitForm) -> Component:
        titles = [line for line in form.titles.data.splitlines() if line.strip()]
        return fw.split_component(component, titles)[0]

    return _write(component_id, SplitForm, "split", "titles", act, gettext("Component split."))


@bp.post("/components/<id:component_id>/merge")
@transactional
def merge(component_id: int):  # type: ignore[no-untyped-def]
    def act(component: Component, form: MergeForm) -> Component:
        others = [fq.component(i) for i in form.others.data or []]
        return fw.merge_components([component, *[o for o in others if o]], form.title.data)

    return _write(component_id, MergeForm, "merge", "others", act, gettext("Components merged."))
