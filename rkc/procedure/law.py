"""The Convention's amendment procedure, as pure functions: how a recommended change to the
text is accepted and when it enters into force (Arts. 6(4), 15 and 16).

`evaluate_recommendation` decides where a recommendation stands on a day from the responses
the parties notified; `rkc.procedure.operations` records the facts and asks it. The periods
are those of `rkc.parties.periods` (:class:`Rules`; no invented day, calendar months);
nothing here reads a clock, a database or a request.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from rkc.parties.periods import (
    DEFAULT_RULES,
    Rules,
    add_months,
    coerce_enum,
    describe_add,
    n_months,
    require_date,
    require_int,
)

# Arts. 15 and 16: amendments


def _names(parties: Iterable[object]) -> str:
    return ", ".join(str(party) for party in parties)


class Procedure(enum.StrEnum):
    """How a change to the text is accepted (DOMAIN.md section 4)."""

    #: Art. 15: the Body (articles).
    BODY = "body"
    #: Art. 16: the General Annex, Specific Annex Standards, definitions, new chapters.
    ANNEX = "annex"
    #: Arts. 6(4)(b) and 16: Recommended Practices amended or added by decision of the
    #: Committee (no acceptance step; not Art. 15, which is the Body's own procedure).
    RECOMMENDED_PRACTICE = "recommended_practice"
    #: Guidelines: adopted by the Management Committee, in force on adoption.
    GUIDELINES = "guidelines"


class ResponseKind(enum.StrEnum):
    ACCEPTANCE = "acceptance"
    OBJECTION = "objection"
    CONDITIONS_NOT_MET = "conditions_not_met"
    RESERVATION = "reservation"


class Status(enum.StrEnum):
    PENDING = "pending"
    DEEMED_ACCEPTED = "deemed_accepted"
    IN_FORCE = "in_force"
    FAILED = "failed"


@dataclass(frozen=True)
class Response:
    """A party's notification about a communicated recommendation."""

    party: str
    kind: ResponseKind
    on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", coerce_enum(ResponseKind, self.kind, "response kind"))
        require_date(self.on, f"date of the response of {self.party}")


@dataclass(frozen=True)
class Outcome:
    """Where a recommendation stands on ``as_of``, and why.

    While ``PENDING``, ``deemed_accepted_on`` and ``in_force_on`` are the dates that apply
    if nothing further happens (None when they cannot be known yet, e.g. a Body
    amendment still awaiting acceptances). ``objections_until`` is the last day an
    objection still counts (None when no window is open or objections cannot stop it);
    ``awaiting`` names the parties whose step is still outstanding.
    """

    procedure: Procedure
    status: Status
    explanation: tuple[str, ...]
    deemed_accepted_on: date | None = None
    in_force_on: date | None = None
    failed_because: str | None = None
    objections_until: date | None = None
    awaiting: tuple[str, ...] = ()
    reservations: tuple[Response, ...] = ()


def _status(as_of: date, accepted_on: date | None, in_force_on: date | None) -> Status:
    if in_force_on is not None and as_of >= in_force_on:
        return Status.IN_FORCE
    if accepted_on is not None and as_of >= accepted_on:
        return Status.DEEMED_ACCEPTED
    return Status.PENDING


def evaluate_recommendation(
    procedure: Procedure | str,
    communicated_on: date,
    responses: Iterable[Response],
    as_of: date,
    *,
    parties_present: Collection[str] = (),
    set_in_force_on: date | None = None,
    set_in_force_months: int | None = None,
    bound_parties: Collection[str] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Outcome:
    """Evaluate a recommended change on ``as_of`` under its procedure (arts. 6, 15 and 16).

    ``communicated_on``: the day the depositary communicated the recommendation (for
    Guidelines: the day they were adopted). ``responses`` dated after ``as_of`` are left
    out (they had not happened yet); a response dated before communication is an error.

    * BODY (art. 15): needs acceptance from every party in ``parties_present`` (present at
      the recommending session) and no objection within ``body_objection_months`` of
      communication. Reading: it enters into force ``body_in_force_months`` after the
      acceptance that completes the set; ``deemed_accepted_on`` is the day it became
      accepted (that acceptance, or the close of the objection window if later).
    * ANNEX (art. 16): deemed accepted ``deemed_acceptance_months`` after communication
      unless a party objects by then; a party that notified CONDITIONS_NOT_MET by then may
      still object for ``conditions_extension_months`` after that period (reading:
      counted from the day the six months expire), until it accepts. Deemed acceptance
      then waits for the earlier of: all such parties accepting, or that window closing.
      In force ``annex_in_force_months`` after deemed acceptance, or
      ``set_in_force_months`` after it when the recommendation set its own period (so a
      conditions-not-met notice that delays acceptance delays entry into force with it),
      or on ``set_in_force_on`` when it set a date (never before deemed acceptance). Any
      objection in time makes it of no effect for everyone; late objections are ignored.
      ``bound_parties``: for a Specific Annex chapter, the parties bound by it; under
      ``rules.chapter_amendment_parties == "bound"`` others' objections and notices are
      shown and do not count; under ``"all"`` they count like anyone's.
    * RECOMMENDED_PRACTICE (arts. 6(4)(b) and 16): in force ``rp_decision_months`` after
      communication;
      objections do not stop it; RESERVATION responses are collected in ``reservations``.
    * GUIDELINES: in force on adoption (``communicated_on``).

    An objection from a party that has already notified its acceptance is ignored
    (reading: acceptance, once notified, ends that party's right to object).
    """
    procedure = coerce_enum(Procedure, procedure, "procedure")
    require_date(communicated_on, "communicated_on")
    require_date(as_of, "as_of")
    if set_in_force_on is not None and set_in_force_months is not None:
        raise ValueError("a recommendation sets a date or a period of entry into force, not both")
    if (
        set_in_force_months is not None
        and require_int(set_in_force_months, "set_in_force_months") < 0
    ):
        raise ValueError("set_in_force_months cannot be negative")
    for given, name in ((set_in_force_on, "set_in_force_on"), (set_in_force_months, "months")):
        if given is None:
            continue
        if name == "set_in_force_on":
            require_date(given, name)
        if procedure is not Procedure.ANNEX:
            raise ValueError(
                "a date or period of entry into force applies only to annex amendments "
                "(Art. 16): a recommendation may set one for those alone"
            )
    collected = list(responses)
    for response in collected:
        if not isinstance(response, Response):
            raise TypeError(f"responses must be Response objects, not {type(response).__name__}")
        if response.on < communicated_on:
            raise ValueError(
                f"the {response.kind.value.replace('_', ' ')} of {response.party} is dated "
                f"{response.on}, before the recommendation was communicated on {communicated_on}"
            )
    considered = sorted((r for r in collected if r.on <= as_of), key=lambda r: r.on)
    later = len(collected) - len(considered)
    preamble = []
    if later:
        preamble.append(
            f"{later} response(s) dated after {as_of} are not taken into account as of that day."
        )
    if procedure is Procedure.BODY:
        return _evaluate_body(communicated_on, considered, as_of, parties_present, preamble, rules)
    if procedure is Procedure.ANNEX:
        return _evaluate_annex(
            communicated_on,
            considered,
            as_of,
            (set_in_force_on, set_in_force_months),
            bound_parties,
            preamble,
            rules,
        )
    if procedure is Procedure.RECOMMENDED_PRACTICE:
        return _evaluate_rp(communicated_on, considered, as_of, bound_parties, preamble, rules)
    return _evaluate_guidelines(communicated_on, considered, as_of, preamble)


def _evaluate_body(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    parties_present: Collection[str],
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    present = tuple(dict.fromkeys(parties_present))
    if not present:
        raise ValueError(
            "a Body amendment (Art. 15) needs parties_present: the parties present at the "
            "session that recommended it"
        )
    window_end = add_months(communicated_on, rules.body_objection_months)
    steps = [
        f"Art. 15: a Body amendment needs the acceptance of every party present at the "
        f"recommending session ({_names(present)}) and no objection within "
        f"{n_months(rules.body_objection_months)} of communication: "
        f"{describe_add(communicated_on, rules.body_objection_months, window_end)}.",
        *preamble,
    ]
    accepted: dict[str, date] = {}
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.ACCEPTANCE:
            if who in accepted:
                continue
            accepted[who] = on
            needed = "" if who in present else " (it was not present at the session; not needed)"
            steps.append(f"{who} deposited its acceptance on {on}{needed}.")
        elif kind is ResponseKind.OBJECTION:
            if who in accepted:
                steps.append(
                    f"The objection of {who} on {on} is ignored: it had already accepted on "
                    f"{accepted[who]}."
                )
            elif on <= window_end:
                reason = (
                    f"objection by {who} on {on}, within the objection period ending {window_end}"
                )
                steps.append(
                    f"{who} objected on {on}, within the period: the amendment is deemed not "
                    "accepted and is of no effect (Art. 15)."
                )
                return Outcome(Procedure.BODY, Status.FAILED, tuple(steps), failed_because=reason)
            else:
                steps.append(
                    f"The objection of {who} on {on} is ignored: the period for objections "
                    f"ended on {window_end}."
                )
        else:
            steps.append(
                f"The {kind.value.replace('_', ' ')} notified by {who} on {on} has no effect "
                "under Art. 15."
            )
    missing = tuple(p for p in present if p not in accepted)
    objections_until = window_end if as_of < window_end else None
    if missing:
        steps.append(
            f"As of {as_of}, acceptance is still awaited from {_names(missing)}; the "
            "amendment cannot enter into force until every party present has accepted."
        )
        if objections_until:
            steps.append(f"Objections still count until {window_end}.")
        return Outcome(
            Procedure.BODY,
            Status.PENDING,
            tuple(steps),
            objections_until=objections_until,
            awaiting=missing,
        )
    last = max(accepted[p] for p in present)
    accepted_on = max(last, window_end)
    in_force_on = add_months(last, rules.body_in_force_months)
    steps.append(
        f"Every party present has accepted, the last on {last}. Reading of Art. 15: it enters "
        f"into force {n_months(rules.body_in_force_months)} after the acceptance that completes "
        f"the set: {describe_add(last, rules.body_in_force_months, in_force_on)}."
    )
    status = _status(as_of, accepted_on, in_force_on)
    if status is Status.PENDING:
        steps.append(
            f"As of {as_of} objections still count until {window_end}; if none is lodged it "
            f"is accepted on {accepted_on} and enters into force on {in_force_on}."
        )
    else:
        steps.append(f"No objection was lodged by {window_end}: accepted on {accepted_on}.")
    return Outcome(
        Procedure.BODY,
        status,
        tuple(steps),
        deemed_accepted_on=accepted_on,
        in_force_on=in_force_on,
        objections_until=objections_until,
    )


def _evaluate_annex(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    set_in_force: tuple[date | None, int | None],
    bound_parties: Collection[str] | None,
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    set_in_force_on, set_in_force_months = set_in_force
    six = rules.deemed_acceptance_months
    window_end = add_months(communicated_on, six)
    extended_end = add_months(window_end, rules.conditions_extension_months)
    steps = [
        f"Art. 16: an amendment to the General Annex, or to Specific Annex Standards, "
        f"definitions or chapters, is deemed accepted {n_months(six)} after communication "
        f"unless a party objects by then: {describe_add(communicated_on, six, window_end)}.",
        *preamble,
    ]
    bound = None
    if bound_parties is not None:
        if rules.chapter_amendment_parties == "bound":
            bound = frozenset(bound_parties)
            steps.append(
                "Art. 16, read with Art. 7(2)(b): on a Specific Annex chapter, only the parties "
                f"bound by it may object or notify that their conditions are not met "
                f"({_names(sorted(bound)) or 'none is bound yet'})."
            )
        else:
            steps.append(
                "Art. 16 (reading in use): on a Specific Annex chapter, every Contracting Party "
                "may object or notify that its conditions are not met, bound by it or not."
            )
    accepted: dict[str, date] = {}
    conditions: dict[str, date] = {}
    reservations: list[Response] = []
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.RESERVATION:
            reservations.append(response)
            steps.append(
                f"{who} entered a reservation on {on}: noted; it does not affect acceptance "
                "(Art. 12 allows reservations only to Recommended Practices)."
            )
            continue
        if kind is ResponseKind.ACCEPTANCE:
            if who not in accepted:
                accepted[who] = on
                if who in conditions:
                    steps.append(
                        f"{who}, which had notified that its conditions were not yet met, "
                        f"notified its acceptance on {on}."
                    )
                else:
                    steps.append(f"{who} notified its acceptance on {on}.")
            continue
        if bound is not None and who not in bound:
            steps.append(
                f"The {kind.value.replace('_', ' ')} of {who} on {on} is recorded but does not "
                f"count: {who} is not bound by the chapter (Art. 16, read with Art. 7(2)(b): "
                "only parties bound by a Specific Annex chapter act on its amendments)."
            )
            continue
        if kind is ResponseKind.CONDITIONS_NOT_MET:
            if who in accepted:
                steps.append(
                    f"The conditions-not-met notice of {who} on {on} is ignored: it had "
                    f"already accepted on {accepted[who]}."
                )
            elif on > window_end:
                steps.append(
                    f"The conditions-not-met notice of {who} on {on} is ignored: it came after "
                    f"the {n_months(rules.deemed_acceptance_months)} ending {window_end}, so it "
                    "gives no extra time."
                )
            elif who not in conditions:
                conditions[who] = on
                steps.append(
                    f"{who} notified on {on} that it intends to accept but its conditions are "
                    f"not yet met (Art. 16): it may still object until {extended_end} "
                    f"({describe_add(window_end, rules.conditions_extension_months, extended_end)}"
                    "), unless it accepts first."
                )
            continue
        # An objection.
        if who in accepted:
            steps.append(
                f"The objection of {who} on {on} is ignored: it had already accepted on "
                f"{accepted[who]}."
            )
            continue
        if on <= window_end:
            reason = (
                f"objection by {who} on {on}, within the "
                f"{n_months(rules.deemed_acceptance_months)} ending {window_end}"
            )
        elif who in conditions and on <= extended_end:
            reason = (
                f"objection by {who} on {on}, within the extra period ending {extended_end} "
                f"opened by its conditions-not-met notice of {conditions[who]}"
            )
        else:
            limit = extended_end if who in conditions else window_end
            steps.append(
                f"The objection of {who} on {on} is ignored: it came after the period for "
                f"its objections ended on {limit}."
            )
            continue
        steps.append(
            f"{who} objected on {on}, in time: the amendment is of no effect for every party "
            "(Art. 16)."
        )
        return Outcome(
            Procedure.ANNEX,
            Status.FAILED,
            tuple(steps),
            failed_because=reason,
            reservations=tuple(reservations),
        )

    waiting = tuple(p for p in conditions if p not in accepted)
    if not conditions:
        accepted_on = window_end
        why = f"no objection by {window_end}"
    elif waiting:
        accepted_on = extended_end
        why = f"the extra period of {_names(waiting)} ended on {extended_end} without an objection"
    else:
        last = max(accepted[p] for p in conditions)
        accepted_on = min(max(window_end, last), extended_end)
        if last > extended_end:
            why = f"the extra period ended on {extended_end} without an objection"
        else:
            why = (
                f"every party that notified conditions not met has accepted (the last on "
                f"{last}) and no objection came by {window_end}"
            )
    if waiting and as_of < extended_end:
        objections_until: date | None = extended_end
    elif as_of < window_end:
        objections_until = window_end
    else:
        objections_until = None
    if set_in_force_on is None:
        period = rules.annex_in_force_months if set_in_force_months is None else set_in_force_months
        in_force_on = add_months(accepted_on, period)
        whose = (
            "(Art. 16)"
            if set_in_force_months is None
            else "(the period the recommendation set, Art. 16)"
        )
        in_force_step = (
            f"It enters into force {n_months(period)} after deemed acceptance {whose}: "
            f"{describe_add(accepted_on, period, in_force_on)}."
        )
    elif set_in_force_on >= accepted_on:
        in_force_on = set_in_force_on
        in_force_step = f"The recommendation set its entry into force on {set_in_force_on}."
    else:
        in_force_on = accepted_on
        in_force_step = (
            f"The recommendation set its entry into force on {set_in_force_on}, but it cannot "
            f"be in force before it is accepted: in force on {accepted_on}."
        )
    status = _status(as_of, accepted_on, in_force_on)
    if status is Status.PENDING:
        pending = f"As of {as_of} it is pending"
        if as_of < window_end:
            pending += f": any party may still object until {window_end}"
        if waiting:
            pending += f"; {_names(waiting)} may object until {extended_end} unless it accepts"

        steps.append(
            f"{pending}. If nothing further happens it is deemed accepted on {accepted_on} "
            "(Art. 16)."
        )
    else:
        steps.append(f"Deemed accepted on {accepted_on}: {why} (Art. 16).")
    steps.append(in_force_step)
    return Outcome(
        Procedure.ANNEX,
        status,
        tuple(steps),
        deemed_accepted_on=accepted_on,
        in_force_on=in_force_on,
        objections_until=objections_until,
        awaiting=waiting if as_of < extended_end else (),
        reservations=tuple(reservations),
    )


def _evaluate_rp(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    bound_parties: Collection[str] | None,
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    in_force_on = add_months(communicated_on, rules.rp_decision_months)
    steps = [
        f"Arts. 6(4)(b) and 16: a Recommended Practice decided by the Management Committee "
        f"enters into force "
        f"{n_months(rules.rp_decision_months)} after communication, with no acceptance step: "
        f"{describe_add(communicated_on, rules.rp_decision_months, in_force_on)}.",
        *preamble,
    ]
    bound = None if bound_parties is None else frozenset(bound_parties)
    reservations: list[Response] = []
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.RESERVATION:
            if bound is not None and who not in bound:
                steps.append(
                    f"The reservation of {who} on {on} has no object: {who} is not bound by the "
                    "chapter."
                )
                continue
            reservations.append(response)
            steps.append(
                f"{who} entered a reservation on {on} (Art. 12): the Recommended Practice does "
                f"not bind {who} while the reservation stands."
            )
        elif kind is ResponseKind.OBJECTION:
            steps.append(
                f"The objection of {who} on {on} does not stop the decision (Arts. 6(4)(b) and "
                "16: there is no acceptance step, hence no veto); a party "
                "bound by the chapter may enter a reservation instead."
            )
        else:
            steps.append(
                f"The {kind.value.replace('_', ' ')} of {who} on {on} has no effect: a "
                "Recommended Practice decision needs no acceptance."
            )
    status = Status.IN_FORCE if as_of >= in_force_on else Status.PENDING
    if status is Status.PENDING:
        steps.append(f"As of {as_of} it is not yet in force.")
    return Outcome(
        Procedure.RECOMMENDED_PRACTICE,
        status,
        tuple(steps),
        in_force_on=in_force_on,
        reservations=tuple(reservations),
    )


def _evaluate_guidelines(
    adopted_on: date, responses: list[Response], as_of: date, preamble: list[str]
) -> Outcome:
    steps = [
        f"Guidelines are not binding; the Management Committee adopts them and they apply from "
        f"adoption: {adopted_on}.",
        *preamble,
    ]
    steps.extend(
        f"The {r.kind.value.replace('_', ' ')} of {r.party} on {r.on} has no effect on Guidelines."
        for r in responses
    )
    status = Status.IN_FORCE if as_of >= adopted_on else Status.PENDING
    if status is Status.PENDING:
        steps.append(f"As of {as_of} they have not been adopted yet.")
    return Outcome(Procedure.GUIDELINES, status, tuple(steps), in_force_on=adopted_on)
