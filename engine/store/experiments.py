"""Champion/challenger experiments in the record: propose, approve, promote, read.

An experiment runs two *approved* versions of one playbook side by side: each account in
the playbook's scope belongs to one group for the whole experiment (`engine.run.experiment`).
Every step is a chained `experiment_events` row plus an audit line, never an edit, so who
started, promoted and ended what, when, is evidence. Maker-checker like `activate`/`approve`:

- `challenge` (maker) records `proposed`; `approve EXP_ID` by someone else records `started`;
- `promote --winner` (maker) records `promotion_proposed`; `approve EXP_ID` by someone other
  than the promoter records `ended` and, when the winner is not the version in force, an
  approval of the winner, so daily runs go on with it after the experiment.

At most one experiment per playbook name is open (proposed or running) at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, select

from engine.contracts.digest import sha256_text
from engine.contracts.errors import InputError
from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import now_iso
from engine.store.models import ExperimentEvent, PlaybookApproval
from engine.store.playbooks import in_force, resolve

PREFIX = "exp-"
WINNERS = ("champion", "challenger")


@dataclass(frozen=True)
class Experiment:
    """An experiment's identity and where it stands (`state`: proposed, running, promoting, ended)."""

    experiment_id: str
    name: str
    champion_sha256: str
    challenger_sha256: str
    share: str
    state: str
    proposed_by: str
    promoted_by: str | None = None
    winner: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


_STATE = {"proposed": "proposed", "started": "running", "promotion_proposed": "promoting", "ended": "ended"}


def parse_share(text: str) -> Decimal:
    """The challenger's share: an exact decimal strictly between 0 and 1, at most 4 places
    (the split works in basis points of 10,000 buckets)."""
    try:
        share = Decimal(text.strip())
    except InvalidOperation:
        raise InputError.at("--share", 1, 1, f"--share {text!r}: expected a decimal such as 0.2") from None
    if not share.is_finite() or not Decimal(0) < share < Decimal(1):
        raise InputError.at("--share", 1, 1, f"--share {text}: must be strictly between 0 and 1")
    if share * 10_000 != (share * 10_000).to_integral_value():
        raise InputError.at("--share", 1, 1, f"--share {text}: at most 4 decimal places (basis points)")
    return share


def _all(conn: Connection) -> dict[str, Experiment]:
    """Every experiment, folded from its events in chain order."""
    out: dict[str, Experiment] = {}
    for e in conn.execute(select(ExperimentEvent.__table__).order_by(ExperimentEvent.chain_seq)).mappings():
        prev = out.get(e["experiment_id"])
        out[e["experiment_id"]] = Experiment(
            e["experiment_id"],
            e["name"],
            e["champion_sha256"],
            e["challenger_sha256"],
            e["share"],
            _STATE[e["event"]],
            prev.proposed_by if prev else e["actor"],
            e["actor"] if e["event"] == "promotion_proposed" else (prev.promoted_by if prev else None),
            e["winner"],
        )
    return out


def running(conn: Connection) -> dict[str, Experiment]:
    """Playbook name → its running experiment (started, or promotion proposed but not approved)."""
    return {x.name: x for x in _all(conn).values() if x.state in ("running", "promoting")}


def get(conn: Connection, experiment_id: str) -> Experiment:
    found = _all(conn).get(experiment_id.strip())
    if found is None:
        raise InputError.at("EXPERIMENT", 1, 1, f"no experiment {experiment_id!r} (see `arrears playbook list`)")
    return found


def _event(writer: ChainWriter, x: Experiment, event: str, actor: str, winner: str | None = None) -> None:
    row = {
        "experiment_id": x.experiment_id,
        "event": event,
        "name": x.name,
        "champion_sha256": x.champion_sha256,
        "challenger_sha256": x.challenger_sha256,
        "share": x.share,
        "winner": winner,
        "actor": actor,
        "at": now_iso(),
    }
    writer.append("experiment_events", [row])
    log_event(writer, actor, f"EXPERIMENT_{event.upper()}", x.experiment_id, {k: row[k] for k in list(row)[1:8]})


def _approved(conn: Connection, ref: str, option: str) -> Any:
    version = resolve(conn, ref)
    ever = conn.execute(select(PlaybookApproval.id).where(PlaybookApproval.sha256 == version.sha256)).first()
    if ever is None:
        raise InputError.at(
            option,
            1,
            1,
            f"{version.name} {version.version} ({version.sha256[:12]}) is not approved: "
            "both versions must be approved (`arrears playbook approve SHA --by ...`) before a challenge",
        )
    return version


def propose(engine: Engine, champion: str, challenger: str, share_text: str, maker: str) -> Experiment:
    """The maker's proposal; checked now and again at approval."""
    share = parse_share(share_text)
    with engine.begin() as conn:
        a, b = _approved(conn, champion, "CHAMPION_SHA"), _approved(conn, challenger, "CHALLENGER_SHA")
        if a.sha256 == b.sha256:
            raise InputError.at("CHALLENGER_SHA", 1, 1, "champion and challenger are the same version")
        if a.name != b.name:
            raise InputError.at(
                "CHALLENGER_SHA",
                1,
                1,
                f"champion is playbook {a.name!r}, challenger {b.name!r}: "
                "an experiment compares two versions of the same playbook",
            )
        if json.loads(a.applies_to) != json.loads(b.applies_to):
            raise InputError.at(
                "CHALLENGER_SHA",
                1,
                1,
                f"applies_to differs ({a.applies_to} vs {b.applies_to}): "
                "both groups must be drawn from the same accounts",
            )
        open_ = [x for x in _all(conn).values() if x.name == a.name and x.state != "ended"]
        if open_:
            raise InputError.at("CHAMPION_SHA", 1, 1, f"{a.name} already has experiment {open_[0].experiment_id}")
        at = now_iso()
        eid = PREFIX + sha256_text(f"{a.sha256}|{b.sha256}|{share}|{maker}|{at}")[:12]
        x = Experiment(eid, a.name, a.sha256, b.sha256, str(share), "proposed", maker)
        writer = ChainWriter(conn, ["experiment_events", "audit_log"])
        _event(writer, x, "proposed", maker)
        writer.close()
    return x


def promote(engine: Engine, experiment_id: str, winner: str, maker: str) -> Experiment:
    """The maker's proposal to end a running experiment with `winner` in force."""
    if winner not in WINNERS:
        raise InputError.at("--winner", 1, 1, f"--winner {winner!r}: expected champion or challenger")
    with engine.begin() as conn:
        x = get(conn, experiment_id)
        if x.state != "running":
            raise InputError.at("EXPERIMENT", 1, 1, f"{x.experiment_id} is {x.state}; only a running one is promoted")
        writer = ChainWriter(conn, ["experiment_events", "audit_log"])
        _event(writer, x, "promotion_proposed", maker, winner)
        writer.close()
        return get(conn, experiment_id)


def approve(engine: Engine, experiment_id: str, checker: str) -> Experiment:
    """The checker's approval of what is pending: the start, or the promotion (which ends it)."""
    with engine.begin() as conn:
        x = get(conn, experiment_id)
        maker = {"proposed": x.proposed_by, "promoting": x.promoted_by}.get(x.state)
        if maker is None:
            raise InputError.at("EXPERIMENT", 1, 1, f"{x.experiment_id} is {x.state}: nothing to approve")
        if checker.strip().lower() == maker.strip().lower():
            raise InputError.at(
                "--by",
                1,
                1,
                f"maker-checker: {maker} proposed this step of {x.experiment_id} "
                "and cannot also approve it; another person must approve",
            )
        writer = ChainWriter(conn, ["experiment_events", "playbook_approvals", "audit_log"])
        if x.state == "proposed":
            if x.name in running(conn):
                raise InputError.at("EXPERIMENT", 1, 1, f"{x.name} already has a running experiment")
            _event(writer, x, "started", checker)
        else:
            assert x.winner is not None
            _make_current(conn, writer, x, checker)
            _event(writer, x, "ended", checker, x.winner)
        writer.close()
        return get(conn, experiment_id)


def _make_current(conn: Connection, writer: ChainWriter, x: Experiment, checker: str) -> None:
    """Approve the winner for its name unless it already is the version in force."""
    sha = x.challenger_sha256 if x.winner == "challenger" else x.champion_sha256
    current = in_force(conn).get(x.name)
    if current is not None and current.sha256 == sha:
        return
    supersedes = current.sha256 if current is not None else None
    writer.append(
        "playbook_approvals",
        [{"sha256": sha, "name": x.name, "approver": checker, "approved_at": now_iso(), "supersedes": supersedes}],
    )
    log_event(
        writer,
        checker,
        "PLAYBOOK_APPROVED",
        sha,
        {"name": x.name, "experiment": x.experiment_id, "supersedes": supersedes},
    )


def list_experiments(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [x.as_dict() for x in _all(conn).values()]
