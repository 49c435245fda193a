"""The one state machine of an emergency's life: every view asks `state_at`.

Before this module, enforcement, `arrears check`, `emergency status`, the audit report and
stand-down each derived a state on their own, and disagreed (issue 9, defect 4: a Tier 3
stood down was `cooling_off` to the guard, `stood_down` to the report, "already stood down"
to a second stand-down, and "waiting will not help" to `check`). Now they all call here.

Declarations::

    not_declared ──declare──► active ──stand_down──► cooling_off ──(time passes)──────► stood_down
                                 │                        └──end_cooling_off (4 eyes)──► stood_down
                                 └──stand_down, when the cooling-off has already run out──► stood_down

Proposals (Tier 1 raised by correlation): `proposed ──confirm──► confirmed`. Drills: `drill`
(they never suspend anything). `active` and `cooling_off` are *enforced* (contact in scope is
held); `stood_down` is the end: nothing is held any more.

The cooling-off is the plan's minimum time contact stays suspended *from the declaration*,
even after a stand-down (a debtor who was agitated is not called back an hour later). It is
time-bound, so `ends_at` says when it ends; an `active` emergency is not time-bound.

Every state is a function of recorded facts and a time `t` (the declaration, the stand-down
and the early end each carry their own time), so `state_at(record, t)` answers for the past
as well as for now: a report of yesterday shows what was in force yesterday.

Who may trigger a transition (`TRANSITIONS`): `declare` and `confirm` need one user (role
ops, `engine.identity`); `stand_down` and `end_cooling_off` need the distinct users the plan's
tier names (`stand_down`, `end_cooling_off`: how many, optionally from a list; Tier 1 stands
down with two at least). Each user signs with their own key, one at a time: a first user's
sign-off is *pending* (recorded, `pending` below) and changes no state — contact in scope
stays held — until enough other users confirm it (`arrears emergency confirm-stand-down ID`);
the last confirmation is the transition, at its own time::

    active ──stand-down by A──► active (stand-down pending: A) ──confirm by B ≠ A──► cooling_off / stood_down
    cooling_off ──end-cooling-off by A──► cooling_off (pending: A) ──confirm by B ≠ A──► stood_down
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.contracts.errors import InputError

if TYPE_CHECKING:
    from emergency.model import EmergencyRecord

NOT_DECLARED = "not_declared"
ACTIVE = "active"
COOLING_OFF = "cooling_off"
STOOD_DOWN = "stood_down"
PROPOSED = "proposed"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"
DRILL = "drill"

ENFORCED_STATES = (ACTIVE, COOLING_OFF)
IN_FORCE_OR_PENDING = (ACTIVE, COOLING_OFF, PROPOSED)  # what `emergency status` lists by default


@dataclass(frozen=True)
class Transition:
    """One allowed move: from which states, to which, and who may make it."""

    name: str
    sources: tuple[str, ...]
    target: str
    who: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("declare", (NOT_DECLARED,), ACTIVE, "one user (their key)"),
        Transition("confirm", (PROPOSED,), CONFIRMED, "one user (their key); the declaration starts active"),
        Transition("stand_down", (ACTIVE,), COOLING_OFF, "the plan tier's `stand_down` users, each signing"),
        Transition("end_cooling_off", (COOLING_OFF,), STOOD_DOWN, "the tier's `end_cooling_off` users, each signing"),
    )
}


def cooling_off_until(record: EmergencyRecord) -> datetime:
    """When the plan's cooling-off runs out: declared_at + the tier's cooling-off (snapshot)."""
    return record.declared_at + timedelta(seconds=record.cooling_off_seconds)


def state_at(record: EmergencyRecord, at: datetime) -> str:
    """The state of `record` at time `at`, from its recorded facts only."""
    if record.kind == "drill":
        return DRILL
    if record.kind == "proposal":
        return CONFIRMED if record.confirmed_as else (DISMISSED if record.stand_down else PROPOSED)
    if at < record.declared_at:
        return NOT_DECLARED
    down = record.stand_down
    if down is None or at < down.at:
        return ACTIVE
    ended = record.cooling_off_end
    if ended is not None and ended.at <= at:
        return STOOD_DOWN
    return COOLING_OFF if at < cooling_off_until(record) else STOOD_DOWN


def enforced(record: EmergencyRecord, at: datetime) -> bool:
    """Whether contact in the record's scope is held at `at`."""
    return state_at(record, at) in ENFORCED_STATES


def ends_at(record: EmergencyRecord, at: datetime) -> datetime | None:
    """When enforcement ends by itself, seen from `at`: the cooling-off's end while cooling
    off; None when it is not time-bound (active: only a stand-down ends it) or not enforced."""
    return cooling_off_until(record) if state_at(record, at) == COOLING_OFF else None


def require(record: EmergencyRecord, transition: str, at: datetime) -> str:
    """The state `transition` leads to from the record's state at `at`, or an `InputError`
    (exit 2) that says what the state is and what can be done instead."""
    move = TRANSITIONS[transition]
    state = state_at(record, at)
    if state not in move.sources:
        raise InputError.at("ID", 0, 0, refusal(record, transition, state))
    if transition == "stand_down":
        return COOLING_OFF if at < cooling_off_until(record) else STOOD_DOWN
    return move.target


def refusal(record: EmergencyRecord, transition: str, state: str) -> str:
    """Why `transition` cannot happen now, in the words every view uses."""
    rid, verb = record.emergency_id, transition.replace("_", "-")
    if record.kind != "declaration" and transition in ("stand_down", "end_cooling_off"):
        return f"{rid} is a {record.kind}: only declarations are stood down"
    if state == COOLING_OFF:
        down = record.stand_down
        who = ", ".join(down.by) if down else "?"
        since = down.at.isoformat() if down else "?"
        return (
            f"emergency {rid} was stood down by {who} at {since} and is in cooling-off until "
            f"{cooling_off_until(record).isoformat()} (contact in scope stays held); to end it early: "
            f"`arrears emergency end-cooling-off {rid} --reason TEXT`, then another user "
            f"`arrears emergency confirm-end-cooling-off {rid}`"
        )
    if state == STOOD_DOWN:
        down = record.stand_down
        when = f" by {', '.join(down.by)} at {down.at.isoformat()}" if down else ""
        return f"emergency {rid} was already stood down{when} and has ended: nothing in its scope is held"
    if state == ACTIVE and transition == "end_cooling_off":
        return f"emergency {rid} is active, not cooling off: stand it down first (`arrears emergency stand-down`)"
    return f"emergency {rid} is {state}: cannot {verb}"


def pending(record: EmergencyRecord, transition: str, at: datetime) -> list[str]:
    """The users whose sign-off of `transition` waits for more, if it can still happen at `at`."""
    if state_at(record, at) not in TRANSITIONS[transition].sources:
        return []
    return [s.by for s in record.signoffs if s.action == transition and s.at <= at]


def view(record: EmergencyRecord, at: datetime) -> dict[str, Any]:
    """The lifecycle fields every view shows: state, when enforcement ends if time-bound, and a
    sign-off awaiting another user (`pending`: `{"action", "by"}`), if any."""
    out: dict[str, Any] = {"state": state_at(record, at)}
    for transition in ("stand_down", "end_cooling_off"):
        signed = pending(record, transition, at)
        if signed:
            out["pending"] = {"action": transition, "by": signed}
    if record.kind == "declaration" and record.cooling_off_seconds:
        out["cooling_off_until"] = cooling_off_until(record).isoformat()
    end = ends_at(record, at)
    out["ends_at"] = end.isoformat() if end else None
    return out
