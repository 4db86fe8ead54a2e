"""Public reading of the Convention and its Guidelines: parse, check, call, render.

Size: about 680 lines, one route per reading page (contents, chapter, unit, history,
compare, point in time, side by side) and the parameters they share (edition, date, language);
the compare pages are the part to move out first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from rkc.amendments import provenance
from rkc.amendments import queries as amendment_queries
from rkc.auth.permissions import Action, can
from rkc.clock import today
from rkc.convention import queries
from rkc.convention.kinds import CONTAINER_KINDS, KIND_LABELS, KIND_LABELS_BY_LANGUAGE
from rkc.convention.languages import (
    DEFAULT,
    LANGUAGE_COOKIE,
    LANGUAGES,
    UnknownLanguage,
    parse_languages,
)
from rkc.convention.models import Edition, Node, Work
from rkc.extensions import db
from rkc.i18n import interface_locale
from rkc.search.changes import last_change_id
from rkc.web import (
    NotFoundHere,
    fragment_scope,
    reading_page,
    shared_data,
    shared_fragment,
)

bp = Blueprint("convention", __name__)

#: Every page here is drawn from the text store alone (for a viewer, on a day): the store's
#: change log is its version, so the pages answer conditional GETs and are cached for the public.
text_store_page = reading_page(version=last_change_id)
#: A working draft's pages also show the amendments pending on each provision. Only a page that
#: names its edition can show a draft (without `?edition=`, the edition in force is shown).
draft_page = reading_page(
    version=lambda: (
        f"{last_change_id()}:{amendment_queries.activity_version()}"
        if request.args.get("edition")
        else last_change_id()
    )
)


# --------------------------------------------------------------------------- languages


def reading_languages() -> tuple[str, ...]:
    """The language(s) to read in: `?lang=en|fr|en,fr`, else the remembered choice, else
    the interface's language. A `?lang=` is remembered in a cookie; an unknown code is a 400
    naming it."""
    try:
        asked = parse_languages(request.args.get("lang"))
    except UnknownLanguage as exc:
        abort(400, description=f"lang: {exc}")
    if asked is None:
        try:
            remembered = parse_languages(request.cookies.get(LANGUAGE_COOKIE))
        except UnknownLanguage:
            remembered = None
        # Never chosen: the interface's language (rkc/i18n.py), the text exists in both.
        return remembered or (interface_locale(),)
    value = ",".join(asked)
    if request.cookies.get(LANGUAGE_COOKIE) != value:

        @after_this_request
        def _remember(response: Response) -> Response:
            response.set_cookie(
                LANGUAGE_COOKIE, value, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
            return response

    return asked


@bp.url_defaults
def _keep_language(endpoint: str, values: dict) -> None:
    """Links between reading pages keep an explicit `?lang=` (the cookie keeps it too)."""
    # `"lang" in request.args` first: a missing key makes MultiDict.get build an exception,
    # and this runs for every link of a page.
    if "lang" in values or not has_request_context() or "lang" not in request.args:
        return
    raw = request.args.get("lang")
    try:
        if parse_languages(raw):
            values["lang"] = raw
    except UnknownLanguage:
        pass


def language_links() -> list[tuple[str, str, str]]:
    """(code, label, url) of this page in each language and side by side."""
    args = request.args.to_dict()
    choices = [(code, name) for code, name in LANGUAGES.items()]
    choices.append((",".join(LANGUAGES), " | ".join(LANGUAGES.values())))
    assert request.endpoint is not None
    here = {**(request.view_args or {}), **args}
    return [
        (code, label, url_for(request.endpoint, **{**here, "lang": code}))
        for code, label in choices
    ]


@dataclass
class Reading:
    """One column of a page: the language asked for, and the language shown (English when the
    work holds no text in the language asked for)."""

    asked: str
    shown: str

    @property
    def fallback(self) -> bool:
        return self.asked != self.shown


def _readings(edition: Edition, languages: tuple[str, ...]) -> list[Reading]:
    held = queries.languages_of(edition)
    return [Reading(code, code if code in held else DEFAULT) for code in languages]


def _language_context(readings: list[Reading], links: bool = True) -> dict:
    """What templates need of the languages read; `links=False` leaves out the language
    switch's links (`language_links`), for a view that adds them only where it draws them."""
    context = {
        "readings": readings,
        "language": readings[0].shown,
        "side_by_side": len(readings) > 1,
        "LANGUAGES": LANGUAGES,
    }
    if links:
        context["language_links"] = language_links()
    return context


# --------------------------------------------------------------------------- parsing helpers


def _parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise NotFoundHere(
            "Not a date",
            f"“{raw}” is not a date this site understands. Write dates as YYYY-MM-DD, "
            "for example ?on=2006-02-03.",
        ) from None


def _work_or_404(key: str) -> Work:
    work = queries.work_by_key(key)
    if work is None:
        raise NotFoundHere(
            "No such work",
            f"There is no work called “{key}”.",
            [(w.short_title, url_for(".show_work", work_key=w.key)) for w in queries.all_works()],
        )
    return work


def _visible(edition: Edition | None) -> bool:
    return can(current_user, Action.READ_EDITION, edition)


def _members() -> bool:
    """Whether working drafts are listed for this visitor."""
    return can(current_user, Action.READ_WORKING_DOCUMENTS)


def _resolve_edition(work: Work) -> tuple[Edition, date | None]:
    """Pick the edition a request asks for: ?edition=slug, else ?on=date, else today."""
    slug = request.args.get("edition")
    day = _parse_day(request.args.get("on"))
    if slug:
        edition = queries.edition_by_slug(work, slug)
        if not _visible(edition):
            raise NotFoundHere(
                "No such edition",
                f"{work.short_title} has no published edition “{slug}”.",
                _edition_links(work),
            )
        assert edition is not None
        return edition, day
    when = day or today()
    # Which edition is in force on a day is the same for everyone (and never a draft): found
    # once per version of the text store, then fetched by its id.
    edition_id = shared_data(
        ("in force", work.id, when), lambda: getattr(queries.in_force_on(work, when), "id", None)
    )
    edition = db.session.get(Edition, edition_id) if edition_id is not None else None
    if edition is None:
        first = queries.first_in_force_date(work)
        if first is not None and when < first:
            raise NotFoundHere(
                "Not yet in force on that date",
                f"No text of the {work.short_title} was in force on {when:%-d %B %Y}. "
                f"The Revised Kyoto Convention entered into force on {first:%-d %B %Y}; "
                "before that the 1973 Kyoto Convention applied, which this site does not hold.",
                [
                    (
                        f"Text in force on {first:%-d %B %Y}",
                        url_for(".show_work", work_key=work.key, on=first.isoformat()),
                    )
                ],
            )
        raise NotFoundHere(
            "No edition in force",
            f"No edition of the {work.short_title} is in force on {when:%-d %B %Y}.",
            _edition_links(work),
        )
    return edition, day


def _edition_links(work: Work) -> list[tuple[str, str]]:
    return [
        (e.title, url_for(".show_work", work_key=work.key, edition=e.slug))
        for e in queries.editions_of(work, include_drafts=_members())
    ]


def _node_or_404(key: str) -> Node:
    node = queries.node_for_reader(key, include_drafts=_members())
    if node is None:
        parent_key = key.rsplit("/", 1)[0] if "/" in key else None
        suggestions = []
        if parent_key and queries.node_for_reader(parent_key, include_drafts=_members()):
            suggestions.append(
                (f"The enclosing unit {parent_key}", url_for(".show_node", key=parent_key))
            )
        suggestions += [
            (w.short_title, url_for(".show_work", work_key=w.key)) for w in queries.all_works()
        ]
        raise NotFoundHere(
            "No such provision",
            f"Nothing in the text store has the key “{key}”. Keys look like ga/3/3.11 "
            "(General Annex, chapter 3, Standard 3.11) or sa-b/1/4.",
            suggestions,
        )
    return node


def _edition_context(work: Work, edition: Edition, day: date | None) -> dict:
    views = queries.edition_views(work, today(), include_drafts=_members())
    state = next((v for v in views if v.edition.id == edition.id), None)
    return {
        "work": work,
        "edition": edition,
        "edition_state": state,
        "edition_views": views,
        "asked_day": day,
    }


# --------------------------------------------------------------------------- pages


@bp.get("/")
@text_store_page
def home():  # type: ignore[no-untyped-def]
    day = today()
    works = [
        (
            work,
            queries.edition_views(work, day, include_drafts=_members()),
            queries.in_force_on(work, day),
        )
        for work in queries.all_works()
    ]
    return render_template("convention/home.html", works=works)


@bp.get("/w/<work_key>")
@text_store_page
def show_work(work_key: str):  # type: ignore[no-untyped-def]
    languages = reading_languages()
    work = _work_or_404(work_key)
    edition, day = _resolve_edition(work)
    readings = _readings(edition, languages)
    tocs = [queries.table_of_contents(edition, r.shown) for r in readings]
    return render_template(
        "convention/work.html",
        toc=tocs[0],
        toc_rows=queries.align(tocs, key=lambda item: item.key),
        **_edition_context(work, edition, day),
        **_language_context(readings),
    )


@bp.get("/w/<work_key>/editions")
@text_store_page
def list_editions(work_key: str):  # type: ignore[no-untyped-def]
    work = _work_or_404(work_key)
    return render_template(
        "convention/editions.html",
        work=work,
        edition_views=queries.edition_views(work, today(), include_drafts=_members()),
    )


@bp.get("/n/<path:key>")
@draft_page
def show_node(key: str):  # type: ignore[no-untyped-def]
    languages = reading_languages()
    node, edition, day = _unit_and_edition(key)
    work = node.work
    in_edition = shared_data(
        ("in edition", edition.id, node.id), lambda: queries.entry_of(edition, node) is not None
    )
    if not in_edition:
        raise NotFoundHere(
            "Not in this edition",
            f"{key} is not part of “{edition.title}”. It may have been added later or removed "
            "earlier: its history lists the editions that contain it.",
            [("History of " + key, url_for(".node_history", key=key)), *_edition_links(work)],
        )
    in_force_day = day or edition.in_force_from or today()
    # Everything below is the same for every reader of this edition: read once per version of
    # the text store (the reader's right to this edition was checked above).
    data = shared_data(
        ("unit page", edition.id, node.id, languages, in_force_day),
        lambda: _unit_page_data(edition, node, languages, in_force_day),
    )
    readings = [Reading(asked, shown) for asked, shown in zip(languages, data.shown, strict=True)]
    units, explained = data.columns[0], data.guidelines
    head = units[0]
    context = {
        "work": work,
        "edition": edition,
        "asked_day": day,
        "edition_bar": _edition_bar_drawer(work, edition, day, node),
    }
    context.update(_language_context(readings, links=False), unit_rows=data.unit_rows)
    members = _members()
    if not edition.is_frozen and members:
        # Read where you propose: each provision shows what is pending on it, and "propose".
        context.update(
            pending=amendment_queries.pending_by_node(edition, current_user),
            annotate="amendments/_in_place.html",
        )
    unit_html, units_html = _unit_drawer(
        edition,
        head.depth,
        explained,
        context.get("annotate"),
        context,
        list_key=(g.get("reading_version"), edition.id, node.id, in_force_day),
    )
    context.update(
        unit_html=unit_html,
        units_html=units_html,
        node=node,
        head=head,
        units=units,
        crumbs=data.crumbs,
        neighbours=data.neighbours,
        guidelines=explained,
    )
    container = head.kind in CONTAINER_KINDS
    name = "container" if container else "provision"

    def render_body() -> str:
        body = dict(context, language_links=language_links())
        if not container:
            body["history"] = queries.history(node, readings[0].shown, include_drafts=members)
        return render_template(f"convention/_{name}_body.html", **body)

    personal = context.get("annotate") is not None
    context["page_body"] = _page_body_drawer(render_body, languages, members, personal)
    return render_template(f"convention/{name}.html", **context)


def _page_body_drawer(
    render: Callable[[], str], languages: tuple[str, ...], members: bool, personal: bool
) -> Callable[[], Markup]:
    """`page_body()` for a unit's page: everything under the site header but the banner, as a
    shared fragment for every reader of the same kind. Besides the page's address, the day and
    the text store's version (with the amendments' activity on a draft's page), the body
    depends on the reader only through what the view and its templates ask `can()`: whether
    they read working documents (drafts' history, the amendments link) and may import a text
    (the downloads' import link); both are in the key. A page whose provisions show the
    member's own pending amendments (a working draft read by a member) is drawn for them."""
    version = g.get("reading_version")
    if version is None or personal:
        return lambda: Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    parts = (
        "unit page body",
        version,
        request.full_path,
        today(),
        languages,
        members,
        can(current_user, Action.IMPORT_TEXT),
    )
    return lambda: shared_fragment(fragment_scope(), parts, render)


def _unit_and_edition(key: str) -> tuple[Node, Edition, date | None]:
    """`_node_or_404(key)`, then `_resolve_edition` for its work, without a query: which unit
    the key names for this kind of reader (members see drafts' units) and which edition the
    request asks for are remembered per version of the text store, and so are the rows of the
    unit, its work and the edition, copied into this request's session. The reader's right to
    the edition is checked on each request; anything else (an unknown key or edition, a bad
    date) takes the long way, which explains itself."""
    members = _members()
    slug = request.args.get("edition") or ""
    on = request.args.get("on") or ""

    def find() -> tuple[int, int] | None:
        node = queries.node_for_reader(key, include_drafts=members)
        if node is None:
            return None
        if slug:
            edition = queries.edition_by_slug(node.work, slug)
        else:
            try:
                when = date.fromisoformat(on) if on else today()
            except ValueError:
                return None
            edition = queries.in_force_on(node.work, when)
        return (node.id, edition.id) if edition is not None else None

    if g.get("reading_version") is not None:  # else nothing to remember it for
        ids = shared_data(("unit and edition", key, members, slug, on, today()), find)
        rows = shared_data(("unit and edition rows", ids), lambda: _detached_rows(ids))
        if rows is not None:
            # Copies for this request's session, made without a round trip (the rows are
            # those of this version of the text store); the reader's right is checked here.
            node, edition = (db.session.merge(row, load=False) for row in rows)
            if _visible(edition):
                return node, edition, _parse_day(on)
    node = _node_or_404(key)
    edition, day = _resolve_edition(node.work)
    return node, edition, day


def _detached_rows(ids: tuple[int, int] | None) -> tuple[Node, Edition] | None:
    """The unit (with its work) and the edition `ids` names, read in a session of their own
    and detached from it: nothing else is loaded with them, so a request's
    `merge(load=False)` copies exactly these three rows into its own session."""
    if ids is None:
        return None
    with Session(db.engine) as own:
        row = own.execute(
            select(Node, Edition)
            .options(joinedload(Node.work))
            .join(Edition, Edition.work_id == Node.work_id)
            .where(Node.id == ids[0], Edition.id == ids[1])
        ).first()
        own.expunge_all()
    return (row.Node, row.Edition) if row is not None else None


@dataclass(frozen=True)
class UnitPageData:
    """What a unit's page shows of the text store, the same for every reader of the edition."""

    shown: tuple[str, ...]
    columns: tuple[list[queries.Item], ...]
    unit_rows: list
    guidelines: dict[str, list[queries.Item]]
    crumbs: list[queries.Item]
    neighbours: tuple[queries.Item | None, queries.Item | None]


def _unit_page_data(
    edition: Edition, node: Node, languages: tuple[str, ...], day: date
) -> UnitPageData:
    entry = queries.entry_of(edition, node)
    assert entry is not None  # checked by the view
    readings = _readings(edition, languages)
    columns = []
    for reading in readings:
        own = queries.entry_of(edition, node, reading.shown)
        if own is None:  # this unit has no text in that language here: show the English
            reading.shown, own = DEFAULT, entry
        columns.append(queries.subtree(edition, own, reading.shown))
    entry = queries.entry_of(edition, node, readings[0].shown) or entry
    units = columns[0]
    explained = (
        queries.guidelines_for([u.key for u in units], day, readings[0].shown)
        if edition.work.key != "guidelines"
        else {}
    )
    return UnitPageData(
        shown=tuple(r.shown for r in readings),
        columns=tuple(columns),
        unit_rows=queries.align(columns, key=lambda u: u.key),
        guidelines=explained,
        crumbs=queries.ancestors(edition, entry, readings[0].shown),
        neighbours=queries.neighbours(edition, entry, readings[0].shown),
    )


def _edition_bar_drawer(
    work: Work, edition: Edition, day: date | None, node: Node
) -> Callable[[], Markup]:
    """`edition_bar()` for the templates: the edition bar (state, picker of every edition the
    reader may list) as a shared fragment, for members and the public apart, redrawn when the
    text store moves."""
    members = _members()
    parts = (
        "edition bar",
        g.get("reading_version"),
        work.id,
        edition.id,
        members,
        today(),
        day,
        node.key,
        request.args.get("lang", ""),
    )

    def render() -> str:
        return render_template(
            "_partials/edition_bar.html", node=node, **_edition_context(work, edition, day)
        )

    if parts[1] is None:  # not on a reading page: nothing to key it on
        return lambda: Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    return lambda: shared_fragment(fragment_scope(), parts, render)


#: Where a member's own annotation of a provision goes in its shared fragment.
ANNOTATION_SLOT = "<!--rkc:annotation-->"


def _unit_drawer(
    edition: Edition,
    base_depth: int,
    guidelines: dict,
    annotate: str | None,
    context: dict,
    list_key: tuple | None = None,
) -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """`unit_html(u, language, annotated=True)` and `units_html(units, language)` for the
    templates: a unit's HTML from the shared fragment cache (`rkc.web.shared_fragment`), keyed
    by its revision and all else its HTML shows, with the member's own annotation (pending
    amendments, "propose") drawn for them into its slot. Without annotations, a page's whole
    list of units is one fragment too, keyed by `list_key` (the text store's version, the
    edition, the unit and the day: what the list was read for). Which units a reader gets is
    the view's decision, made before: a fragment is only ever asked for a unit of an edition
    the reader may read."""
    lang_arg = request.args.get("lang", "")
    scope = fragment_scope()
    annotation = current_app.jinja_env.get_template(annotate) if annotate else None
    personal = {
        "pending": context.get("pending", {}),
        "edition": edition,
        "current_user": current_user,
    }

    def draw(u: queries.Item, language: str, annotated: bool = True) -> Markup:
        links = tuple((gl.key, gl.number) for gl in guidelines.get(u.key, ()))
        slot = annotation is not None and annotated
        parts = ("unit", u.revision_id, language, edition.slug, u.depth - base_depth)
        html = shared_fragment(
            scope,
            (*parts, links, lang_arg, slot),
            lambda: render_template(
                "_partials/unit.html",
                u=u,
                edition=edition,
                guidelines={u.key: guidelines.get(u.key, [])},
                base_depth=base_depth,
                unit_language=language,
                annotate="convention/_annotation_slot.html" if slot else None,
            ),
        )
        if slot and annotation is not None:
            # Safe: an autoescaped template rendered for this reader.
            own = Markup(annotation.render(personal, u=u))  # noqa: S704
            html = html.replace(ANNOTATION_SLOT, own, 1)
        return html

    def draw_all(units: list[queries.Item], language: str) -> Markup:
        def render() -> str:
            return Markup("").join(draw(u, language) for u in units)

        if annotation is not None or list_key is None or list_key[0] is None:
            return Markup(render())  # noqa: S704 (joined fragments)
        first = units[0].key if units else ""
        parts = ("unit list", *list_key, language, first, len(units), base_depth, lang_arg)
        return shared_fragment(scope, parts, render)

    return draw, draw_all


@bp.get("/n/<path:key>/history")
@text_store_page
def node_history(key: str):  # type: ignore[no-untyped-def]
    languages = reading_languages()
    node = _node_or_404(key)
    columns = []
    readings = []
    for code in languages:
        steps = queries.history(node, code, include_drafts=_members())
        shown = code
        if not steps and code != DEFAULT:  # no text in that language: the English, marked
            shown, steps = DEFAULT, queries.history(node, include_drafts=_members())
        readings.append(Reading(code, shown))
        columns.append(steps)
    steps = columns[0]
    if not steps:
        abort(404)
    return render_template(
        "convention/history.html",
        node=node,
        work=node.work,
        steps=steps,
        # A version in one language pairs with the version the same editions hold in the other.
        step_rows=queries.align(columns, key=_step_key),
        latest=steps[-1].revision,
        credits=provenance.credits_for(s.revision.id for column in columns for s in column),
        **_language_context(readings),
    )


def _step_key(step: queries.HistoryStep) -> object:
    return step.editions[0].id if step.editions else ("revision", step.revision.id)


def kind_label(kind: str, language: str = "en") -> str:
    labels = KIND_LABELS_BY_LANGUAGE.get(language, KIND_LABELS)
    return labels.get(kind, kind.replace("_", " ").title())


def _scopes(toc: list[queries.Item], language: str = "en") -> list[tuple[str, str]]:
    """(key, label) of the chapters one can compare, named with their annex, e.g.
    "Specific Annex B · Chapter 1: Clearance for home use" (never a raw key)."""
    scopes: list[tuple[str, str]] = []
    annex = ""
    for item in toc:
        name = f"{kind_label(item.kind, language)} {item.number or ''}".strip()
        if item.title:
            name += f": {item.title}" if item.number else f" {item.title}"
        if item.kind in ("annex", "instrument"):
            annex = name
        if item.kind == "instrument":
            scopes.append((item.key, name))
        elif item.kind == "chapter":
            scopes.append((item.key, f"{annex} · {name}" if annex else name))
    return scopes


@bp.get("/w/<work_key>/compare")
@text_store_page
def compare(work_key: str):  # type: ignore[no-untyped-def]
    languages = reading_languages()
    work = _work_or_404(work_key)
    views = queries.edition_views(work, today(), include_drafts=_members())
    published = [v.edition for v in views]
    from_slug = request.args.get("from") or (published[0].slug if published else "")
    to_slug = request.args.get("to") or (published[-1].slug if published else "")
    old = queries.edition_by_slug(work, from_slug)
    new = queries.edition_by_slug(work, to_slug)
    for slug, edition in ((from_slug, old), (to_slug, new)):
        if not _visible(edition):
            raise NotFoundHere(
                "No such edition",
                f"{work.short_title} has no published edition “{slug}” to compare.",
                _edition_links(work),
            )
    assert old is not None
    assert new is not None
    if len(views) < 2 or old.id == new.id:
        # One edition (or the same one twice): nothing to compare it with yet.
        return render_template(
            "convention/compare.html",
            work=work,
            comparison=None,
            only=new if len(views) < 2 else None,
            same=old if len(views) >= 2 else None,
            edition_views=views,
            chapters=[],
            node=None,
            show_all=False,
            **_language_context(_readings(new, languages)),
        )
    node_key = request.args.get("node") or ""
    node = _node_or_404(node_key) if node_key else None
    if node is not None and node.work_id != work.id:
        raise NotFoundHere("Not in this work", f"{node_key} belongs to another work.")
    readings = _readings(new, languages)
    comparisons = [queries.compare(old, new, r.shown, node=node) for r in readings]
    comparison = comparisons[0]
    show_all = request.args.get("show") == "all"
    chapters = _scopes(queries.table_of_contents(new, readings[0].shown), readings[0].shown)
    shown = [c.rows if show_all else c.changed_rows for c in comparisons]
    # Side by side, a unit changed in either language shows in both columns.
    if len(comparisons) > 1 and not show_all:
        changed = {row.item.key for rows in shown for row in rows}
        shown = [[row for row in c.rows if row.item.key in changed] for c in comparisons]
    return render_template(
        "convention/compare.html",
        work=work,
        comparison=comparison,
        comparisons=comparisons,
        rows=shown[0],
        row_pairs=queries.align(shown, key=lambda row: (row.status == "removed", row.item.key)),
        **_language_context(readings),
        show_all=show_all,
        node=node,
        edition_views=views,
        chapters=chapters,
    )
