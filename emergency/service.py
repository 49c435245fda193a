"""Declaring, confirming and standing down emergencies: the rules of authority.

Every function validates fully before it writes, so bad input (unknown tier, malformed
scope, unknown id, too few people) is an `InputError` (exit 2) and nothing is recorded.
The record carries a snapshot of the plan's tier, so what is enforced is what was declared.
People are compared case-insensitively after trimming: `--by Alice --by alice` is one person.

The CLI signs with users (`sign_off`): each user of a stand-down or early end of cooling-off
signs with their own key, one after the other, and the transition happens when enough
distinct users have signed (see `emergency.lifecycle`). `stand_down` and `end_cooling_off`
take all the people at once, for callers that have already established who they are.
"""

from __future__ import annotations

from datetime import UTC, datetime

from emergency import lifecycle
from emergency.model import (
    CoolingOffEndRecord,
    EmergencyRecord,
    EmergencyRepository,
    Kind,
    SignOff,
    StandDownRecord,
    new_id,
)
from emergency.plan import LoadedPlan, StandDown, describe_scopes, parse_duration
from emergency.scope import parse_scope
from engine.contracts.errors import InputError


def _tier(tier: int | str) -> int:
    try:
        value = int(tier)
    except (TypeError, ValueError):
        value = 0
    if value not in (1, 2, 3):
        raise InputError.at("--tier", 0, 0, f"tier must be 1, 2 or 3, got {tier!r}")
    return value


def _person(by: str, option: str = "--by") -> str:
    if not isinstance(by, str) or not by.strip():
        raise InputError.at(option, 0, 0, "a person is required (who is doing this)")
    return by.strip()


def _text(value: str, option: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError.at(option, 0, 0, "must not be empty")
    return value.strip()


def make_record(
    plan: LoadedPlan,
    *,
    tier: int | str,
    scope: str | None,
    reason: str,
    by: str,
    at: datetime | None = None,
    kind: Kind = "declaration",
    source: str = "manual",
    proposal_id: str | None = None,
) -> EmergencyRecord:
    """A validated record (not yet stored) with the plan tier's snapshot."""
    n = _tier(tier)
    t = plan.tier(n)
    if scope is None and t.default_scope is None:
        raise InputError.at("--scope", 0, 0, f"tier {n} has no default scope: give --scope {describe_scopes(t.scopes)}")
    parsed = parse_scope(scope if scope is not None else t.default_scope)  # type: ignore[arg-type]
    t.check_scope(parsed, n)
    at = at or datetime.now(UTC)
    prefix = {"declaration": "EM", "proposal": "PR", "drill": "DR"}[kind]
    return EmergencyRecord(
        emergency_id=new_id(prefix, at),
        tier=n,
        scope=str(parsed),
        reason=_text(reason, "--reason"),
        declared_by=_person(by),
        declared_at=at,
        kind=kind,
        source=source,
        plan=plan.file_name,
        plan_sha256=plan.sha256,
        suspend=t.suspend.model_dump(mode="json"),
        reassign=t.reassign.model_dump(mode="json") if t.reassign else None,
        cooling_off_seconds=int(parse_duration(t.cooling_off).total_seconds()),
        proposal_id=proposal_id,
    )


def declare(repo: EmergencyRepository, plan: LoadedPlan, **kwargs: object) -> EmergencyRecord:
    """Declare (or, with `kind="proposal"`/`"drill"`, propose or drill) and commit at once."""
    record = make_record(plan, **kwargs)  # type: ignore[arg-type]
    repo.add(record)
    return record


def _known(repo: EmergencyRepository, emergency_id: str) -> EmergencyRecord:
    record = repo.get(emergency_id.strip()) if isinstance(emergency_id, str) else None
    if record is None:
        raise InputError.at("ID", 0, 0, f"unknown emergency id {emergency_id!r} (see `arrears emergency status`)")
    return record


def confirm(
    repo: EmergencyRepository, plan: LoadedPlan, proposal_id: str, by: str, at: datetime | None = None
) -> EmergencyRecord:
    """Turn a Tier 1 proposal (raised by event correlation) into a declaration."""
    proposal = _known(repo, proposal_id)
    if proposal.kind != "proposal":
        raise InputError.at("ID", 0, 0, f"{proposal_id} is a {proposal.kind}, not a proposal: nothing to confirm")
    if proposal.confirmed_as:
        raise InputError.at("ID", 0, 0, f"proposal {proposal_id} was already confirmed as {proposal.confirmed_as}")
    record = make_record(
        plan,
        tier=proposal.tier,
        scope=proposal.scope,
        reason=f"{proposal.reason} (confirmed proposal {proposal.emergency_id})",
        by=by,
        at=at,
        source=proposal.source,
        proposal_id=proposal.emergency_id,
    )
    repo.confirm(proposal.emergency_id, record)
    return record


def distinct_people(people: list[str]) -> list[str]:
    """The distinct people among `people`, first spelling kept (`Alice` and ` alice` are one)."""
    seen: dict[str, str] = {}
    for person in people:
        name = _person(person)
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _authorised(rule: StandDown, by: list[str], what: str) -> list[str]:
    """The distinct people in `by`, if they are enough and allowed for `what` under `rule`."""
    people = distinct_people(by or [])
    if len(people) < rule.people:
        given = ", ".join(people) or "nobody"
        raise InputError.at(
            "--by",
            0,
            0,
            f"{what} needs {rule.people} distinct people (--by A --by B); got {len(people)}: {given}"
            + (" (the same person twice is one person)" if len(by) > len(people) else ""),
        )
    if rule.allowed is not None:
        allowed = {a.casefold() for a in rule.allowed}
        refused = [p for p in people if p.casefold() not in allowed]
        if refused:
            raise InputError.at("--by", 0, 0, f"not allowed to {what}: {', '.join(refused)}")
    return people


def stand_down(
    repo: EmergencyRepository,
    plan: LoadedPlan,
    emergency_id: str,
    by: list[str],
    reason: str,
    at: datetime | None = None,
) -> EmergencyRecord:
    """Stand an emergency down under the plan's authority rules (Tier 1: two distinct people).
    It then cools off until the tier's cooling-off (from the declaration) has run out."""
    at = at or datetime.now(UTC)
    record = _known(repo, emergency_id)
    lifecycle.require(record, "stand_down", at)
    rule = plan.tier(record.tier).stand_down
    if record.tier == 1 and rule.people < 2:
        rule = StandDown(people=2, allowed=rule.allowed)
    people = _authorised(rule, by, f"stand down tier {record.tier}")
    repo.record_stand_down(record.emergency_id, StandDownRecord(tuple(people), _text(reason, "--reason"), at))
    return repo.get(record.emergency_id)  # type: ignore[return-value]


def end_cooling_off(
    repo: EmergencyRepository,
    plan: LoadedPlan,
    emergency_id: str,
    by: list[str],
    reason: str,
    at: datetime | None = None,
) -> EmergencyRecord:
    """End a stood-down emergency's cooling-off before its time, with the people the plan's
    tier names (`end_cooling_off`, default two: four eyes). Contact in scope resumes at once."""
    at = at or datetime.now(UTC)
    record = _known(repo, emergency_id)
    lifecycle.require(record, "end_cooling_off", at)
    people = _authorised(plan.tier(record.tier).end_cooling_off, by, f"end the cooling-off of tier {record.tier}")
    end = CoolingOffEndRecord(tuple(people), _text(reason, "--reason"), at)
    repo.record_cooling_off_end(record.emergency_id, end)
    return repo.get(record.emergency_id)  # type: ignore[return-value]


def _rule(plan: LoadedPlan, record: EmergencyRecord, action: str) -> StandDown:
    """Who must sign `action` on `record`: the plan tier's rule (Tier 1 stands down with ≥ 2)."""
    tier = plan.tier(record.tier)
    if action == "end_cooling_off":
        return tier.end_cooling_off
    rule = tier.stand_down
    return StandDown(people=2, allowed=rule.allowed) if record.tier == 1 and rule.people < 2 else rule


def sign_off(
    repo: EmergencyRepository,
    plan: LoadedPlan,
    emergency_id: str,
    action: str,
    user: str,
    reason: str | None,
    *,
    confirming: bool,
    at: datetime | None = None,
) -> EmergencyRecord:
    """`user` signs `action` (`stand_down` | `end_cooling_off`): the first sign-off starts it
    (`confirming=False`, a reason required), later ones confirm it (`confirming=True`); when
    enough distinct users have signed, it happens, with all of them as its people and the first
    one's reason. Until then it is pending and nothing changes (contact stays held)."""
    at = at or datetime.now(UTC)
    record = _known(repo, emergency_id)
    lifecycle.require(record, action, at)
    rule, verb, rid = _rule(plan, record, action), action.replace("_", "-"), record.emergency_id
    _authorised(StandDown(people=1, allowed=rule.allowed), [user], f"{verb} tier {record.tier}")
    signed = [s for s in record.signoffs if s.action == action]
    names = [s.by for s in signed]
    if confirming and not signed:
        raise InputError.at("ID", 0, 0, f"no {verb} of {rid} awaits confirmation: `arrears emergency {verb} {rid} "
                            "--reason TEXT` starts one")
    if not confirming and signed:
        raise InputError.at("ID", 0, 0, f"a {verb} of {rid} by {', '.join(names)} awaits confirmation by another "
                            f"user: `arrears emergency confirm-{verb} {rid}` with their own key")
    if user.casefold() in {n.casefold() for n in names}:
        raise InputError.at("ID", 0, 0, f"{user} has signed this {verb} already: it needs {rule.people} distinct "
                            "users, each confirming with their own key (the same user twice is one person)")
    text = signed[0].reason if signed else _text(reason or "", "--reason")
    people = [*names, user]
    if len(people) < rule.people:
        repo.record_signoff(rid, SignOff(action, user, text if not signed else reason, at))
    elif action == "stand_down":
        repo.record_stand_down(rid, StandDownRecord(tuple(people), text or "", at))
    else:
        repo.record_cooling_off_end(rid, CoolingOffEndRecord(tuple(people), text or "", at))
    return repo.get(rid)  # type: ignore[return-value]
