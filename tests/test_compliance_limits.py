"""`tighten()`: playbooks may tighten every parameter and loosen none; content-rule API."""

from __future__ import annotations

from typing import Any

import pytest

from engine.compliance.base import Param
from engine.compliance.gate import template_violations
from engine.compliance.limits import LimitError, Limits, tighten
from engine.compliance.registry import all_rules, get
from engine.compliance.timeutil import fmt_minutes, minutes
from engine.contracts.facts import Action

PARAMS = [(rule, p) for rule in all_rules() for p in rule.params]


def _looser(p: Param) -> Any:
    """A value one step the wrong way from the legal default."""
    match p.tighter:
        case "lower":
            return p.default + 1
        case "higher":
            return p.default - 1
        case "earlier":
            return fmt_minutes(minutes(p.default) + 1)
        case "later":
            return fmt_minutes(minutes(p.default) - 1)
        case "true":
            return False
        case "false":
            return True
        case "superset":
            return p.default[1:]
    raise AssertionError(p.tighter)


def _tighter(p: Param) -> Any:
    match p.tighter:
        case "lower":
            return max(p.default - 1, 0)
        case "higher":
            return p.default + 1
        case "earlier":
            return fmt_minutes(minutes(p.default) - 30)
        case "later":
            return fmt_minutes(minutes(p.default) + 30)
        case "true":
            return True
        case "false":
            return False
        case "superset" | "operator":
            return [*p.default, "extra"]
    raise AssertionError(p.tighter)


def test_defaults_are_the_legal_defaults() -> None:
    limits = Limits.default()
    assert limits.for_rule("US.REGF.CALL_FREQUENCY") == {"max_calls": 7, "window_days": 7}
    assert limits.for_rule("CN.CBA.QUIET_HOURS")["latest"] == "22:00"
    assert limits.for_rule("CN.CBA.CONNECTED_CALLS_PER_DAY") == {"max_connected": 3}
    assert limits.for_rule("CN.CBA.UNANSWERED_PER_NUMBER") == {"max_unanswered": 6}
    assert limits.for_rule("CN.NIFA.CALL_RECORDING")["retention_years"] == 5
    assert limits.for_rule("UK.BSR.BREATHING_SPACE") == {"standard_days": 60, "mental_health_extra_days": 30}
    assert tighten({}) == limits


def test_every_parameter_is_well_declared() -> None:
    for rule, p in PARAMS:
        assert isinstance(p.default, p.type), (rule.id, p.name)
        assert p.doc, (rule.id, p.name)


@pytest.mark.parametrize(("rule", "param"), PARAMS, ids=[f"{r.id}.{p.name}" for r, p in PARAMS])
def test_each_parameter_tightens_and_never_loosens(rule, param) -> None:
    tight = _tighter(param)
    assert tighten({rule.id: {param.name: tight}}).for_rule(rule.id)[param.name] == tight
    if param.tighter == "operator" or (param.tighter == "superset" and not param.default):
        return  # nothing is looser than an empty required list; the lender owns `operator` lists
    looser = _looser(param)
    if looser == param.default:
        return  # a flag already at its loosest legal value (e.g. honour_agreed_hours: true)
    with pytest.raises(LimitError) as info:
        tighten({rule.id: {param.name: looser}})
    assert info.value.rule_id == rule.id and info.value.param == param.name
    assert rule.id in str(info.value) and rule.citation in str(info.value)


def test_loosening_message_names_rule_citation_and_default() -> None:
    with pytest.raises(LimitError, match=r"max_calls: 8 loosens the legal default 7.*12 CFR 1006\.14"):
        tighten({"US.REGF.CALL_FREQUENCY": {"max_calls": 8}})


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"US.REGF.NOPE": {"x": 1}}, "unknown compliance rule"),
        ({"US.REGF.CALL_FREQUENCY": {"max_cals": 3}}, "unknown parameter (known: max_calls, window_days)"),
        ({"US.REGF.CALL_FREQUENCY": {"max_calls": "3"}}, "expected a whole number"),
        ({"US.REGF.CALL_FREQUENCY": {"max_calls": True}}, "expected a whole number"),
        ({"US.REGF.CALL_FREQUENCY": {"max_calls": -1}}, "must not be negative"),
        ({"CN.CBA.QUIET_HOURS": {"earliest": "9am"}}, "expected a time HH:MM"),
        ({"CN.CBA.QUIET_HOURS": {"earliest": "08:61"}}, "expected a time HH:MM"),
        ({"CN.CBA.QUIET_HOURS": {"honour_agreed_hours": "no"}}, "expected true or false"),
        ({"UK.CONC.VULNERABLE": {"blocked_kinds": "legal_notice"}}, "expected a list of strings"),
        ({"UK.CONC.VULNERABLE": 3}, "expected a mapping"),
    ],
)
def test_bad_overrides_are_rejected(overrides, fragment) -> None:
    with pytest.raises(LimitError) as info:
        tighten(overrides)
    assert fragment in str(info.value)


def test_tightening_is_applied_to_the_rule_it_names_only() -> None:
    limits = tighten({"US.REGF.CALL_FREQUENCY": {"max_calls": 5}})
    assert limits.for_rule("US.REGF.CALL_FREQUENCY")["max_calls"] == 5
    assert limits.for_rule("US.REGF.CALL_AFTER_CONVERSATION") == get("US.REGF.CALL_AFTER_CONVERSATION").defaults()


def _act(**kw: Any) -> Action:
    return Action.model_validate({"channel": "sms", "at": "2026-05-11T10:00:00+08:00", **kw})


@pytest.mark.parametrize(
    ("jurisdiction", "action", "text", "expected"),
    [
        ("US", {}, "Your payment is due.", {"US.REGF.OPT_OUT_NOTICE"}),
        ("US", {}, "Your payment is due. Reply STOP to opt out.", set()),
        ("US", {"channel": "letter"}, "We know where you live.", {"US.FDCPA.HARASSMENT"}),
        ("US", {"channel": "letter"}, "我是警察。", {"US.FDCPA.FALSE_REPRESENTATION"}),
        (
            "US",
            {"channel": "voicemail", "kind": "limited_content"},
            "Call us about your debt.",
            {"US.REGF.THIRD_PARTY_DISCLOSURE"},
        ),
        ("CN", {}, "老赖，后果自负！", {"CN.CCM.ABUSIVE_CONTENT"}),
        ("CN", {}, "我们是公安局的。", {"CN.CCM.IMPERSONATION"}),
        ("CN", {}, "可以先去网贷借点还上。", {"CN.CBA.NEW_BORROWING"}),
        ("CN", {"party": "third_party"}, "请转告他欠款逾期了。", {"CN.CCM.THIRD_PARTY_DISCLOSURE"}),
        ("CN", {}, "您好，您的账单已到期，请按时还款。", set()),
        ("UK", {"channel": "letter"}, "Pay the whole balance today.", {"UK.CONC.FORBEARANCE"}),
        ("UK", {"channel": "letter"}, "We are bailiffs.", {"UK.CONC.MISREPRESENTATION"}),
        ("UK", {"channel": "letter"}, "We can agree affordable instalments.", set()),
    ],
)
def test_template_violations(jurisdiction, action, text, expected) -> None:
    found = template_violations(jurisdiction, _act(**action), text)
    assert {v.rule for v in found} == expected
    assert all(v.citation and v.reason for v in found)


def test_template_violations_ignore_account_dependent_rules() -> None:
    # A call at 03:00 with no recording breaks CN rules, but not through its *text*.
    night = Action.model_validate({"channel": "call", "at": "2026-05-11T03:00:00+08:00", "recorded": False})
    assert template_violations("CN", night, "您好，请按时还款。") == []
