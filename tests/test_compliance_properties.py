"""Property tests of the gate over random accounts, histories and actions.

1. Nothing the gate allows breaks a rule: each rule, run alone on a fresh context, agrees,
   and independent re-statements of the main time and frequency laws hold.
2. `next_allowed_at` is honest: later than the action, the same action passes then, and a
   minute earlier it is still refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.compliance.context import Context
from engine.compliance.gate import check
from engine.compliance.limits import Limits
from engine.compliance.registry import region_key, rules_for
from engine.compliance.timeutil import DEFAULT_ZONES
from engine.contracts.facts import Account, Action, HistoryEntry

BASE = datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))  # spans the US and UK DST changes
CALLS = ("call", "robot_call", "voicemail")
CHANNELS = ("call", "robot_call", "voicemail", "sms", "email", "letter", "messaging")
OUTCOMES = ("connected", "conversation", "no_answer", "busy", "voicemail", "failed", "refused", None)
KINDS = ("payment_demand", "reminder", "limited_content", "validation_notice", "closure_notice",
         "reply_to_debtor", "legal_notice", "location_inquiry")  # fmt: skip
TEXTS = (None, "Please call us back.", "Your payment is due. Reply STOP to opt out.", "您好，请按时还款。回复TD退订",
         "We know where you live.", "老赖，后果自负", "Pay the full balance today.", "请转告他欠款逾期")  # fmt: skip
FLAGS = ("cease_communication", "disputed", "bankrupt", "vulnerable", "time_barred", "attorney_represented",
         "lost_contact", "opted_out_sms", "opted_out_email")  # fmt: skip
ZONES = {"US": ("America/New_York", "America/Los_Angeles", "Pacific/Honolulu"), "CN": ("Asia/Shanghai",),
         "UK": ("Europe/London",)}  # fmt: skip


@st.composite
def scenarios(draw: Any) -> tuple[Account, list[HistoryEntry], Action]:
    j = draw(st.sampled_from(("US", "CN", "UK")))
    zone_mode = draw(st.sampled_from(("one", "none", "several")))
    raw: dict[str, Any] = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": j, "balance": "10", "dpd": 5}
    if zone_mode == "one":
        raw["timezone"] = draw(st.sampled_from(ZONES[j]))
    elif zone_mode == "several":
        raw["possible_timezones"] = draw(st.lists(st.sampled_from(ZONES[j]), min_size=1, max_size=3, unique=True))
    raw["flags"] = draw(st.lists(st.sampled_from(FLAGS), max_size=2, unique=True))
    if j == "US":
        raw["region"] = draw(st.sampled_from((None, "MA", "WA", "CA", "NY", "NJ")))
    if j == "UK" and draw(st.booleans()):
        start = (BASE + timedelta(days=draw(st.integers(-70, 12)))).date()
        end = draw(st.none() | st.integers(0, 40).map(lambda d: (start + timedelta(days=d)).isoformat()))
        raw["breathing_space"] = {"kind": draw(st.sampled_from(("standard", "mental_health"))),
                                  "start": start.isoformat(), "end": end}  # fmt: skip
    if draw(st.booleans()):
        raw["contact_preferences"] = {"agreed_hours": draw(st.sampled_from((["21:00", "23:00"], ["12:00", "13:00"])))}
    account = Account.model_validate(raw)
    history = []
    for _ in range(draw(st.integers(0, 25))):
        entry: dict[str, Any] = {
            "account_id": draw(st.sampled_from(("A1", "A1", "A1", "A2"))),
            "at": (BASE + timedelta(minutes=draw(st.integers(0, 10 * 1440)))).isoformat(),
            "channel": draw(st.sampled_from(CHANNELS)),
            "outcome": draw(st.sampled_from(OUTCOMES)),
            "direction": draw(st.sampled_from(("outbound", "outbound", "inbound"))),
            "kind": draw(st.sampled_from((None, *KINDS))),
            "recorded": True,
        }
        if draw(st.integers(0, 9)) == 0:
            entry["consent_until"] = (datetime.fromisoformat(entry["at"]) + timedelta(days=2)).isoformat()
        history.append(HistoryEntry.model_validate(entry))
    action = Action.model_validate(
        {
            "channel": draw(st.sampled_from(CHANNELS)),
            "at": (BASE + timedelta(days=10, minutes=draw(st.integers(0, 3 * 1440)))).isoformat(),
            "kind": draw(st.sampled_from(KINDS)),
            "party": draw(st.sampled_from(("debtor", "debtor", "third_party"))),
            "to": draw(st.sampled_from((None, "+100"))),
            "text": draw(st.sampled_from(TEXTS)),
            "recorded": draw(st.booleans()),
        }
    )
    return account, history, action


def _zones(account: Account) -> list[ZoneInfo]:
    names = [account.timezone] if account.timezone else list(account.possible_timezones)
    return [ZoneInfo(n) for n in names or DEFAULT_ZONES[account.jurisdiction]]


def _hm(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%H:%M")


PHONE = (*CALLS, "sms", "messaging")


def _state_laws_hold(account: Account, before: list[HistoryEntry], action: Action, day: Any, home: ZoneInfo) -> None:
    """The US state overlays, re-stated: MA 2 phone contacts per debt a week, WA 3 contacts a
    week, CA time-barred letters carry the notice (no generated text has it)."""
    if account.jurisdiction != "US" or action.party != "debtor":
        return
    recent = [e for e in before if e.direction == "outbound" and e.outcome not in ("busy", "failed")
              and (day - e.at.astimezone(home).date()).days < 7]  # fmt: skip
    if account.region == "MA" and action.channel in PHONE:

        def asked(t: datetime) -> bool:  # a call the debtor asked for is not creditor-initiated
            return any(e.account_id == "A1" and e.consent_until and e.at <= t <= e.consent_until
                       and (t - e.at) < timedelta(days=7) for e in before)  # fmt: skip

        phoned = [e for e in recent if e.account_id == "A1" and e.channel in PHONE and not asked(e.at)]
        assert asked(action.at) or len(phoned) < 2, phoned
    if account.region == "WA":
        assert len(recent) < 3, recent
    if account.region in ("CA", "NY") and "time_barred" in account.flags:
        assert action.channel not in ("letter", "email")


def _laws_hold(account: Account, history: list[HistoryEntry], action: Action) -> None:
    """Plain re-statements of the time and frequency laws, written independently of the rules."""
    zones, home = _zones(account), _zones(account)[0]
    before = [e for e in history if e.at < action.at]
    day = action.at.astimezone(home).date()
    if action.channel != "letter":
        for tz in zones:
            local = _hm(action.at, tz)
            if account.jurisdiction == "US":
                assert "08:00" <= local < "21:00", (tz, local)
            if account.jurisdiction == "CN":
                agreed = account.contact_preferences and account.contact_preferences.agreed_hours
                assert "08:00" <= local < "22:00" or (agreed and agreed[0] <= local < agreed[1]), local
    if account.jurisdiction == "US" and action.channel in CALLS and action.party == "debtor":

        def consented(t: datetime) -> bool:
            return any(e.account_id == "A1" and e.consent_until and e.at <= t <= e.consent_until
                       and (t - e.at) < timedelta(days=7) for e in before)  # fmt: skip

        if not consented(action.at):
            placed = [e for e in before if e.account_id == "A1" and e.direction == "outbound"
                      and e.channel in CALLS and e.outcome not in ("busy", "failed")
                      and 0 <= (day - e.at.astimezone(home).date()).days < 7 and not consented(e.at)]  # fmt: skip
            assert len(placed) < 7
            talks = [e for e in before if e.account_id == "A1" and e.outcome == "conversation"
                     and e.channel in CALLS and (day - e.at.astimezone(home).date()).days < 7]  # fmt: skip
            assert not talks
    _state_laws_hold(account, before, action, day, home)
    if account.jurisdiction == "CN" and action.channel in CALLS:
        assert action.recorded
        if action.party == "debtor":
            connected = [e for e in before if e.direction == "outbound" and e.channel in CALLS
                         and e.outcome in ("connected", "conversation")
                         and e.at.astimezone(home).date() == day]  # fmt: skip
            assert len(connected) < 3
    space = account.breathing_space
    if space and action.kind not in ("reply_to_debtor", "closure_notice", "validation_notice"):
        if space.kind == "standard":
            last = min(space.start + timedelta(days=59), space.end or space.start + timedelta(days=59))
        else:
            last = space.end + timedelta(days=30) if space.end else None
        assert day < space.start or (last is not None and day > last)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_allowed_actions_break_no_rule(scenario) -> None:
    account, history, action = scenario
    verdict = check(account, history, action)
    if not verdict.allowed:
        assert verdict.violations
        return
    limits = Limits.default()
    for rule in rules_for(account.jurisdiction, region_key(account.region)):
        assert rule.evaluate(Context(account, action, history), limits.for_rule(rule.id)) is None, rule.id
    _laws_hold(account, history, action)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_next_allowed_at_is_honest(scenario) -> None:
    account, history, action = scenario
    verdict = check(account, history, action)
    if verdict.allowed or verdict.next_allowed_at is None:
        return
    when = verdict.next_allowed_at
    assert when > action.at
    moved = action.model_copy(update={"at": when})
    assert check(account, history, moved).allowed
    _laws_hold(account, history, moved)
    earlier = action.model_copy(update={"at": when - timedelta(minutes=1)})
    assert not check(account, history, earlier).allowed
