"""From "which rules hold" to a decision: the playbook's semantics, applied in order.

`Evaluator.decide` takes a batch of accounts (with their contact histories), asks the matcher
which compiled rules hold for each, then resolves them exactly as the playbook language says:
first matching segment and stage, summed priority and fraud points, pauses, assignment
overrides, treatments with channel choice, the dynamic contact path, repeat limits, local
hours, rendering, offers, incentives, lost-contact tasks — and finally the compliance gate.
Every step that changed the outcome leaves a rule id in `fired_rules` and a line in
`explanation`, with the facts the rule tested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from engine.compile.condition_ast import Aggregate, Field, operands
from engine.compile.program import Rule
from engine.compile.reference import evaluate
from engine.contracts.errors import EvaluationError
from engine.contracts.facts import PHONE_CHANNELS, Account, HistoryEntry
from engine.match.features import operand_values
from engine.playbook.loader import LoadedPlaybook
from engine.playbook.model import Assignment, Offer, Playbook, Stage, Treatment
from engine.playbook.templates import message_context

Gate = Callable[[Account, Sequence[HistoryEntry], dict[str, Any]], tuple[list[dict[str, Any]], Any]]


def _hhmm(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(23, 59, 59) if hour == 24 else time(hour, minute)


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(str, value)) + "]"
    return "null" if value is None else str(value)


def _offer_json(offer: Offer) -> dict[str, Any]:
    data = offer.model_dump(mode="json", exclude={"when"})
    data["requires_approval_above_pct"] = data.pop("approval_above_pct")
    return data


class Evaluator:
    """Decides for batches of accounts under one loaded playbook."""

    def __init__(self, loaded: LoadedPlaybook, matcher: str = "durable", gate: Gate | None = None) -> None:
        self.loaded = loaded
        self.playbook: Playbook = loaded.playbook
        self.program = loaded.program
        if matcher == "durable":
            from engine.match.durable_adapter import DurableMatcher

            self.matcher: Any = DurableMatcher(self.program)
        else:
            from engine.match.python_matcher import PythonMatcher

            self.matcher = PythonMatcher(self.program)
        self.gate = gate
        self.rules: dict[str, Rule] = {r.id: r for r in self.program.rules}
        index = {op: i for i, op in enumerate(self.program.operands)}
        self.operand_index = index
        self.rule_operands: dict[str, list[int]] = {
            r.id: list(dict.fromkeys(index[op] for op in operands(r.expr))) for r in self.program.rules
        }
        self.zone = ZoneInfo(self.playbook.timezone)
        scope = self.playbook.applies_to
        self.jurisdictions = set(scope.jurisdictions)
        self.products = set(scope.products) if scope.products is not None else None

    # -- public --------------------------------------------------------------------
    def in_scope(self, account: Account) -> bool:
        return account.jurisdiction in self.jurisdictions and (
            self.products is None or account.product in self.products
        )

    def decide(
        self,
        accounts: Sequence[Account],
        histories: Mapping[str, Sequence[HistoryEntry]],
        at: datetime,
        debtor_histories: Mapping[str, Sequence[HistoryEntry]] | None = None,
    ) -> list[dict[str, Any]]:
        """Decisions for `accounts`, in order.

        `histories` is each account's own contact history (conditions, repeat limits);
        `debtor_histories`, when given, is each debtor's history across all their accounts,
        which the compliance gate needs (Chinese limits count per debtor, across lenders'
        accounts and agencies). Without it the gate sees the account's history only.
        """
        # keyed by position, not account_id: two input lines with the same id are two decisions
        scoped = [i for i, a in enumerate(accounts) if self.in_scope(a)]
        rows = [
            operand_values(self.program.operands, accounts[i], histories.get(accounts[i].account_id, ()), at)
            for i in scoped
        ]
        matched = dict(zip(scoped, zip(rows, self.matcher.match(rows), strict=True), strict=True))
        out = []
        for position, account in enumerate(accounts):
            if position in matched:
                values, hits = matched[position]
                history = histories.get(account.account_id, ())
                whole = debtor_histories.get(account.debtor_id, history) if debtor_histories is not None else history
                out.append(self._decision(account, history, at, values, hits, whole))
            else:
                out.append(self._out_of_scope(account, at))
        return out

    # -- helpers -------------------------------------------------------------------
    def _base(self, account: Account, at: datetime) -> dict[str, Any]:
        return {
            "account_id": account.account_id,
            "debtor_id": account.debtor_id,
            "jurisdiction": account.jurisdiction,
            "at": at.isoformat(),
            "playbook": self.loaded.identity,
            "segment": None,
            "stage": None,
            "priority": None,
            "assignment": {"kind": "none", "queue": None},
            "actions": [],
            "blocked": [],
            "offers": [],
            "incentives": [],
            "tasks": [],
            "pause": None,
            "fired_rules": [],
            "explanation": [],
        }

    def _out_of_scope(self, account: Account, at: datetime) -> dict[str, Any]:
        d = self._base(account, at)
        scope = self.playbook.applies_to
        products = ", ".join(scope.products) if scope.products is not None else "any product"
        d["explanation"].append(
            f"out of scope: playbook {self.playbook.name} covers {', '.join(scope.jurisdictions)} / {products}; "
            f"account is {account.jurisdiction} / {account.product or 'no product'}"
        )
        return d

    def _why(self, rule_id: str, values: Sequence[Any]) -> str:
        rule = self.rules[rule_id]
        tested = []
        for i in self.rule_operands[rule_id]:
            op: Field | Aggregate = self.program.operands[i]
            name = op.text if isinstance(op, Aggregate) else op.name
            tested.append(f"{name}={_show(values[i])}")
        facts = f" [{', '.join(tested)}]" if tested else ""
        return f"{rule.text}{facts}"

    def _stage(self, hits: frozenset[str], values: Sequence[Any]) -> Stage | None:
        """The first stage that holds. When the matcher says none does, the reference
        semantics must agree: a value the rules engine misread would otherwise leave an
        in-scope account silently without a stage (seen with balances its C core mangled)."""
        stage = next((s for s in self.playbook.stages if f"stage.{s.id}" in hits), None)
        if stage is not None:
            return stage
        for candidate in self.playbook.stages:
            rule = self.rules.get(f"stage.{candidate.id}")
            if rule is not None and evaluate(rule.expr, lambda op: values[self.operand_index[op]]):
                raise EvaluationError(
                    f"the rules engine placed an in-scope account in no stage, but stage {candidate.id} "
                    f"holds for it ({self._why(rule.id, values)}); no decision is made rather than a wrong one"
                )
        return None

    def _local_zone(self, account: Account) -> ZoneInfo:
        if account.timezone:
            return ZoneInfo(account.timezone)
        if account.possible_timezones:
            return ZoneInfo(account.possible_timezones[0])
        return self.zone

    def _schedule(self, treatment: Treatment, account: Account, at: datetime) -> datetime:
        zone = self._local_zone(account)
        local = at.astimezone(zone)
        if treatment.hours is None:
            return local
        start, end = _hhmm(treatment.hours[0]), _hhmm(treatment.hours[1])
        if local.time() < start:
            return datetime.combine(local.date(), start, zone)
        if local.time() >= end:
            return datetime.combine(local.date() + timedelta(days=1), start, zone)
        return local

    @staticmethod
    def _sender(assignment: dict[str, Any]) -> str | None:
        """Who makes the contact: the queue, or `agency:<id>` when an agency works the case
        (the form the compliance packs use to check the approved-agency list)."""
        queue = assignment.get("queue")
        if assignment.get("kind") == "agency" and queue and not queue.startswith("agency:"):
            return f"agency:{queue}"
        return queue

    @staticmethod
    def _recipient(channel: str, account: Account) -> str | None:
        if channel in PHONE_CHANNELS:
            return next((p.number for p in account.phones if p.owner == "debtor"), None)
        if channel == "email":
            return next((e.address for e in account.emails if e.consented or not e.employer_provided), None)
        address = account.attributes.get("postal_address")
        return str(address) if address else "postal address on file"

    @staticmethod
    def _last_sent(history: Sequence[HistoryEntry], template: str, at: datetime) -> datetime | None:
        times = [h.at for h in history if h.direction == "outbound" and h.template == template and h.at <= at]
        return max(times) if times else None

    # -- the decision ----------------------------------------------------------------
    def _decision(
        self,
        account: Account,
        history: Sequence[HistoryEntry],
        at: datetime,
        values: Sequence[Any],
        hits: frozenset[str],
        debtor_history: Sequence[HistoryEntry],
    ) -> dict[str, Any]:
        pb = self.playbook
        d = self._base(account, at)
        fired: list[str] = d["fired_rules"]
        why: list[str] = d["explanation"]

        def fire(rule_id: str, line: str) -> None:
            fired.append(rule_id)
            why.append(line)

        segment = next((s for s in pb.segments if f"segment.{s.id}" in hits), None)
        if segment:
            d["segment"] = segment.id
            fire(f"segment.{segment.id}", f"segment {segment.id}: {self._why(f'segment.{segment.id}', values)}")
        else:
            why.append("no segment matched")

        points = [(r, f"priority.{r.id}") for r in pb.priority.rules if f"priority.{r.id}" in hits]
        raw = pb.priority.base + sum(r.points for r, _ in points)
        d["priority"] = max(pb.priority.min, min(pb.priority.max, raw))
        fired.extend(rid for _, rid in points)
        parts = " + ".join(f"{r.id} {r.points:+d}" for r, _ in points) or "no rule matched"
        why.append(f"priority {d['priority']}: base {pb.priority.base}, {parts}")

        # The fraud scorecard applies whatever the stage: a suspected fraud is never collected.
        if pb.fraud:
            frauds = [r for r in pb.fraud.rules if f"fraud.{r.id}" in hits]
            score = sum(r.points for r in frauds)
            for r in frauds:
                fire(f"fraud.{r.id}", f"fraud {r.id} {r.points:+d}: {self._why(f'fraud.{r.id}', values)}")
            if score >= pb.fraud.threshold:
                d["assignment"] = {"kind": "none", "queue": pb.fraud.queue}
                why.append(
                    f"fraud score {score} >= threshold {pb.fraud.threshold}: collection stopped, "
                    f"case sent to {pb.fraud.queue}"
                )
                stage = self._stage(hits, values)
                if stage is not None:
                    d["stage"] = stage.id
                    fire(f"stage.{stage.id}", f"stage {stage.id}: {self._why(f'stage.{stage.id}', values)}")
                return d

        stage = self._stage(hits, values)
        if stage is None:
            needs = "; ".join(f"{s.id} needs {self._why(f'stage.{s.id}', values)}" for s in pb.stages)
            why.append(f"no stage applies: {needs}")
            return d
        d["stage"] = stage.id
        fire(f"stage.{stage.id}", f"stage {stage.id}: {self._why(f'stage.{stage.id}', values)}")
        d["assignment"] = self._assignment(stage, hits, values, fire)

        pause = next((p for p in pb.pauses if f"pause.{p.id}" in hits), None)
        if pause:
            fire(f"pause.{pause.id}", f"pause {pause.id}: {pause.reason}: {self._why(f'pause.{pause.id}', values)}")
            if pause.assign:
                d["assignment"] = pause.assign.model_dump()
            d["pause"] = {"id": pause.id, "reason": pause.reason, "until": None}
            if pause.cooling_off_days:
                until = (at + timedelta(days=pause.cooling_off_days)).date().isoformat()
                d["pause"]["until"] = until
                why.append(f"cooling-off for {pause.cooling_off_days} days, until {until}")

        lost = pb.lost_contact is not None and "lost_contact" in hits
        tasks = list(stage.tasks)
        if lost and pb.lost_contact:
            fire("lost_contact", f"contact lost: {self._why('lost_contact', values)}")
            tasks += pb.lost_contact.tasks
        for task in tasks:
            if f"task.{task.id}" in hits:
                fired.append(f"task.{task.id}")
                d["tasks"].append({"id": task.id, "kind": task.kind, "provider": task.provider})
                why.append(f"task {task.id}: {task.kind} by {task.provider}")

        offers = [o for o in stage.offers if f"offer.{o.id}" in hits]
        for o in offers:
            fire(f"offer.{o.id}", f"offer {o.id} ({o.kind}): {self._why(f'offer.{o.id}', values)}")
        d["offers"] = [_offer_json(o) for o in offers]
        incentives = [i for i in pb.incentives if f"incentive.{i.id}" in hits]
        for i in incentives:
            fire(f"incentive.{i.id}", f"incentive {i.id}: {i.description}")
        d["incentives"] = [i.model_dump(mode="json", exclude={"when"}) for i in incentives]

        switches = [p for p in pb.contact_path if f"path.{p.id}" in hits and (p.stages is None or stage.id in p.stages)]
        for treatment in [*stage.treatments, *pb.treatments]:
            self._treatment(
                treatment, stage, account, history, at, values, hits, d, pause, lost, switches, debtor_history
            )
        if pause:
            # The pause's own contacts (e.g. a closure notice) are what the pause is for.
            for treatment in pause.treatments:
                self._treatment(
                    treatment, stage, account, history, at, values, hits, d, None, lost, switches, debtor_history
                )
        return d

    def _assignment(self, stage: Stage, hits: frozenset[str], values: Sequence[Any], fire: Any) -> dict[str, Any]:
        for rule in stage.assign_rules:
            if f"assign.{rule.id}" in hits:
                fire(
                    f"assign.{rule.id}",
                    f"assignment {rule.assign.kind}/{rule.assign.queue}: {self._why(f'assign.{rule.id}', values)}",
                )
                return rule.assign.model_dump()
        default: Assignment = stage.assign
        return default.model_dump()

    def _treatment(
        self,
        t: Treatment,
        stage: Stage,
        account: Account,
        history: Sequence[HistoryEntry],
        at: datetime,
        values: Sequence[Any],
        hits: frozenset[str],
        d: dict[str, Any],
        pause: Any,
        lost: bool,
        switches: list[Any],
        debtor_history: Sequence[HistoryEntry],
    ) -> None:
        why: list[str] = d["explanation"]
        fired: list[str] = d["fired_rules"]
        rid = f"treatment.{t.id}"
        if rid not in hits:
            return
        if pause and t.kind not in pause.allow_kinds:
            why.append(f"treatment {t.id} held: paused by {pause.id}")
            return
        if lost:
            why.append(f"treatment {t.id} held: contact lost, tasks first")
            return
        channel, template = (t.channel, t.template) if isinstance(t.channel, str) else (None, t.template)
        if isinstance(t.channel, list):
            for i, choice in enumerate(t.channel):
                if f"channel.{t.id}.{i}" in hits:
                    channel, template = choice.use, choice.template or t.template
                    fired.append(f"channel.{t.id}.{i}")
                    why.append(f"channel {choice.use} for {t.id}: {self._why(f'channel.{t.id}.{i}', values)}")
                    break
            if channel is None:
                why.append(f"treatment {t.id} skipped: no channel choice matched")
                return
        # One switch per treatment: the first matching rule for its channel (rules do not chain).
        rule = next((r for r in switches if r.from_channel == channel), None)
        if rule is not None:
            fired.append(f"path.{rule.id}")
            why.append(f"contact path {rule.id}: {channel} → {rule.to_channel}: {self._why(f'path.{rule.id}', values)}")
            channel, template = rule.to_channel, rule.template or template
        assert channel is not None
        last = self._last_sent(history, template, at)
        if last is not None and t.repeat_after_days and at - last < timedelta(days=t.repeat_after_days):
            ago = (at - last).days
            why.append(
                f"treatment {t.id} skipped: {template} sent {ago} day(s) ago, repeats after {t.repeat_after_days}"
            )
            return
        to = self._recipient(channel, account)
        if to is None:
            why.append(f"treatment {t.id} skipped: no usable {channel} contact on file")
            return
        when = self._schedule(t, account, at)
        offers = d["offers"]
        context = message_context(
            account=account,
            lender=self.playbook.lender.model_dump(),
            language=self.loaded.templates.language,
            stage=stage.id,
            segment=d["segment"],
            channel=channel,
            kind=t.kind,
            deadline=(when + timedelta(days=t.deadline_days)).date(),
            offers=offers,
            incentive=d["incentives"][0] if d["incentives"] else None,
        )
        text, fault = self.loaded.templates.try_render(template, context)
        action = {
            "channel": channel,
            "at": when.isoformat(),
            "party": "debtor",
            "to": to,
            "template": template,
            "text": text,
            "kind": t.kind,
            "recorded": t.recorded,
            "by": t.by or self._sender(d["assignment"]),
            "treatment": t.id,
        }
        fired.append(rid)
        if fault:
            d["blocked"].append(
                {
                    "action": action,
                    "violations": [
                        {
                            "rule": "ARREARS.TEMPLATE.RENDER",
                            "citation": "Arrears playbook language v1",
                            "reason": fault.message,
                        }
                    ],
                }
            )
            why.append(f"treatment {t.id} blocked: template {template} failed to render")
            return
        if self.gate is not None:
            violations, next_at = self.gate(account, debtor_history, action)
            if violations:
                if next_at is not None and t.reschedule_when_blocked:
                    moved = dict(action, at=self._schedule(t, account, next_at).isoformat())
                    again, _ = self.gate(account, debtor_history, moved)
                    if not again:
                        d["actions"].append(moved)
                        why.append(
                            f"treatment {t.id}: {channel} moved to {moved['at']} "
                            f"({', '.join(v['rule'] for v in violations)})"
                        )
                        return
                d["blocked"].append({"action": action, "violations": violations})
                why.append(
                    f"treatment {t.id} blocked: " + "; ".join(f"{v['rule']} ({v['citation']})" for v in violations)
                )
                return
        d["actions"].append(action)
        why.append(f"treatment {t.id}: {t.kind} by {channel} at {action['at']} using {template}")
