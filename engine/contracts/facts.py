"""The contract's input records: account facts, contact history, proposed actions.

These models are the public JSON contracts of `../shared/contracts.md` (fields are fixed:
add, never rename). They reject unknown keys so a misspelt field is an error, not a
silently ignored fact. Money is `Decimal`; timestamps must carry an offset.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_serializer,
)

from engine.contracts.numbers import (
    MAX_DPD,
    MAX_RISK_SCORE,
    MAX_YEAR,
    MIN_YEAR,
    check_attributes,
    check_money,
    decimals_to_floats,
    floats_to_decimals,
)
from engine.contracts.timestamps import parse_hhmm

Jurisdiction = Literal["CN", "US", "UK"]
Channel = Literal["call", "sms", "email", "letter", "visit", "robot_call", "voicemail", "messaging"]
Outcome = Literal[
    "connected",
    "conversation",
    "no_answer",
    "busy",
    "voicemail",
    "delivered",
    "read_no_reply",
    "replied",
    "refused",
    "failed",
]
ActionKind = Literal[
    "payment_demand",
    "reminder",
    "location_inquiry",
    "limited_content",
    "validation_notice",
    "closure_notice",
    "reply_to_debtor",
    "legal_notice",
]
Party = Literal["debtor", "third_party"]

KNOWN_FLAGS = (
    "cease_communication",
    "disputed",
    "bankrupt",
    "deceased",
    "vulnerable",
    "fraud_suspect",
    "complaint_open",
    "litigation",
    "time_barred",
    "attorney_represented",
    "lost_contact",
    "opted_out_sms",
    "opted_out_email",
)

# Channels that reach a person by telephone number.
PHONE_CHANNELS = frozenset({"call", "sms", "robot_call", "voicemail", "messaging"})


def _year_in_range(value: date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}..{MAX_YEAR}")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp needs a UTC offset, e.g. 2026-11-28T09:00:00+08:00")
    _year_in_range(value)
    return value


def _plausible_date(value: date) -> date:
    _year_in_range(value)
    return value


def _zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a file
        raise ValueError(f"unknown IANA time zone {value[:80]!r}") from exc
    return value


def _hhmm(value: str) -> str:
    parse_hhmm(value)
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
PlausibleDate = Annotated[date, AfterValidator(_plausible_date)]
Zone = Annotated[str, AfterValidator(_zone)]
HHMM = Annotated[str, AfterValidator(_hhmm)]


class Strict(BaseModel):
    """Base of every contract model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BreathingSpace(Strict):
    """A UK Debt Respite Scheme moratorium (SI 2020/1311)."""

    kind: Literal["standard", "mental_health"]
    start: PlausibleDate
    end: PlausibleDate | None = None

    def last_day(self, standard_days: int = 60, mental_health_extra_days: int = 30) -> date | None:
        """The last day of the moratorium, or None while it has no known end.

        Standard: 60 days from `start` (day 1 = start), shortened by an earlier `end`.
        Mental-health crisis: the treatment (`end` = its last day) plus 30 days.
        """
        if self.kind == "standard":
            natural = self.start + timedelta(days=standard_days - 1)
            return min(natural, self.end) if self.end else natural
        if self.end is None:
            return None
        return self.end + timedelta(days=mental_health_extra_days)

    def covers(self, day: date) -> bool:
        last = self.last_day()
        return self.start <= day and (last is None or day <= last)


class ContactPreferences(Strict):
    no_calls_before: HHMM | None = None
    no_calls_after: HHMM | None = None
    agreed_hours: tuple[HHMM, HHMM] | None = None


class Email(Strict):
    address: str
    employer_provided: bool = False
    consented: bool = False


class Phone(Strict):
    number: str
    owner: Party = "debtor"
    relation: str | None = None


class Account(Strict):
    """One debt and the facts a playbook may test."""

    account_id: str = Field(min_length=1)
    debtor_id: str = Field(min_length=1)
    jurisdiction: Jurisdiction
    product: str | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    balance: Decimal = Field(ge=0, allow_inf_nan=False)
    dpd: int = Field(ge=0, le=MAX_DPD)
    risk_score: int | None = Field(default=None, ge=0, le=MAX_RISK_SCORE)
    timezone: Zone | None = None
    possible_timezones: tuple[Zone, ...] = ()
    # US state (postal code, e.g. "MA"), UK nation, CN province: selects regional compliance rules.
    region: str | None = Field(default=None, min_length=1, max_length=64)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    flags: tuple[str, ...] = ()
    breathing_space: BreathingSpace | None = None
    contact_preferences: ContactPreferences | None = None
    emails: tuple[Email, ...] = ()
    phones: tuple[Phone, ...] = ()
    attributes: dict[str, Any] = Field(default_factory=dict)
    # Model scores (docs/models.md): not facts of the contract, never serialised or hashed; the
    # daily run sets them per chunk (`engine.run.scores`); absent, `propensity`/`best_hour` read null.
    _scores: dict[str, Any] = PrivateAttr(default_factory=dict)

    def scored(self, scores: dict[str, Any]) -> Account:
        """This account with its model scores (`propensity`, `best_hour`) set."""
        self._scores = dict(scores)
        return self

    @property
    def scores(self) -> dict[str, Any]:
        return self._scores

    @field_validator("balance", mode="before")
    @classmethod
    def _no_float_rounding(cls, value: Any) -> Any:
        # JSON numbers arrive as Decimal (parse_float=Decimal); a Python float would already
        # have lost precision, so it is converted through its shortest repr.
        if isinstance(value, float):
            return Decimal(repr(value))
        return value

    @field_validator("balance")
    @classmethod
    def _money_range(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        # `currency` is declared first, so it is in `info.data` when it was valid
        return check_money(value, info.data.get("currency"))

    @field_validator("attributes", mode="before")
    @classmethod
    def _attribute_decimals(cls, value: Any) -> Any:
        # A stored account comes back through `model_validate_json`, where a fraction is a
        # float: read it as the Decimal it was written from, as a JSON line's is.
        return floats_to_decimals(value)

    @field_validator("attributes")
    @classmethod
    def _attribute_numbers(cls, value: dict[str, Any]) -> dict[str, Any]:
        check_attributes(value)
        return value

    @field_serializer("attributes", when_used="json")
    def _attribute_numbers_stay_numbers(self, value: dict[str, Any]) -> Any:
        # Pydantic writes a Decimal inside `Any` as a string: stored and read back, `0.25`
        # would turn into "0.25" and never compare with a number again (a silently different
        # decision in the daily run). Within the contract's limits a float is exact.
        return decimals_to_floats(value)


class HistoryPromise(Strict):
    """A promise to pay the contact obtained (a dialer's or desktop's result line).

    `arrears import history` records it as a promise made at the entry's `at`; without a
    `promise_id`, one is derived from the account and the instant (`engine.contracts.promises`).
    """

    amount: Decimal = Field(gt=0, allow_inf_nan=False)
    due: PlausibleDate
    promise_id: str | None = Field(default=None, min_length=1, max_length=128)

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float_rounding(cls, value: Any) -> Any:
        return _positive_money(value)

    @field_validator("amount")
    @classmethod
    def _money_range(cls, value: Decimal) -> Decimal:
        return check_money(value, None)


class HistoryEntry(Strict):
    """One past contact (or attempt) on an account."""

    account_id: str = Field(min_length=1)
    at: AwareDatetime
    channel: Channel
    direction: Literal["outbound", "inbound"] = "outbound"
    party: Party = "debtor"
    outcome: Outcome | None = None
    consent_until: AwareDatetime | None = None
    recorded: bool | None = None
    by: str | None = None
    kind: ActionKind | None = None
    to: str | None = None
    template: str | None = None
    text: str | None = None
    promise: HistoryPromise | None = None

    @model_serializer(mode="wrap")
    def _omit_no_promise(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Entries without a promise serialise as before the field existed (stored bodies and
        facts digests stay byte-identical)."""
        data = handler(self)
        if self.promise is None and isinstance(data, dict):
            data.pop("promise", None)
        return data


class Action(Strict):
    """A proposed outbound contact: what a decision asks a channel to do."""

    channel: Channel
    at: AwareDatetime
    party: Party = "debtor"
    to: str | None = None
    template: str | None = None
    text: str | None = None
    kind: ActionKind = "payment_demand"
    recorded: bool = False
    by: str | None = None


_HISTORY_KEYS = frozenset(HistoryEntry.model_fields)


def outbox_history(account_id: str, action_json: str) -> dict[str, Any]:
    """A contact we wrote to the outbox (its stored `action` JSON) as a history entry's fields.

    The one conversion used wherever our own contacts count as history (the daily run's next
    business dates, the nightly compliance audit): the action's history fields, outbound.
    """
    action = json.loads(action_json)
    data = {k: v for k, v in action.items() if k in _HISTORY_KEYS}
    return {**data, "account_id": account_id, "direction": "outbound"}


def _positive_money(value: Any) -> Any:
    """An amount > 0 with no float rounding (`Account.balance` reads money the same way)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return value


class PaymentLine(Strict):
    """One payment received (`arrears import payments`): it lowers the account's balance."""

    payment_id: str = Field(min_length=1, max_length=128)
    account_id: str = Field(min_length=1)
    at: AwareDatetime
    amount: Decimal = Field(gt=0, allow_inf_nan=False)
    currency: str = Field(pattern=r"^[A-Z]{3}$")

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float_rounding(cls, value: Any) -> Any:
        return _positive_money(value)

    @field_validator("amount")
    @classmethod
    def _money_range(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        return check_money(value, info.data.get("currency"))


class PromiseLine(Strict):
    """One promise to pay (`arrears import promises`); its state is derived from payments.

    The amount is in the account's currency, so its decimal places are checked on import."""

    promise_id: str = Field(min_length=1, max_length=128)
    account_id: str = Field(min_length=1)
    made_at: AwareDatetime
    amount: Decimal = Field(gt=0, allow_inf_nan=False)
    due: PlausibleDate
    by: str | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float_rounding(cls, value: Any) -> Any:
        return _positive_money(value)
