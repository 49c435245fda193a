"""Model spec files (`kind: model`): what a model predicts, from which features, over which window.

Validated like targets and rosters (`extra="forbid"`, every fault at FILE:LINE:COL). Fair
lending: the features a model may use are listed in its file and must be in `FEATURES`;
protected attributes (age, sex, ethnicity, religion…, also as `attributes.<name>`) are refused
by name, whatever the target, so no file can train on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from engine.contracts import digest
from engine.playbook.yaml_models import Located, declares_kind, read_yaml_mapping, validate_located

# Names that describe who a person is rather than how the debt behaves: never a feature.
PROTECTED = frozenset(
    {"age", "birth_year", "date_of_birth", "dob", "sex", "gender", "ethnicity", "race", "religion",
     "nationality", "national_origin", "marital_status", "disability", "pregnancy", "sexual_orientation"}
)  # fmt: skip
ATTRIBUTE_PREFIX = "attributes."

# Numeric features of an account at the training cut-off (engine.models.dataset computes them).
NUMERIC = {
    "dpd": "days past due (as of the cut-off, from the account's facts)",
    "balance": "amount due",
    "risk_score": "the account's risk score (0 when unknown)",
    "contacts_90d": "outbound contacts in the 90 days before the cut-off",
    "conversations_90d": "right-party conversations (either direction) in the 90 days before",
    "answered_rate_90d": "share of outbound contacts answered in those 90 days",
    "promises_made": "promises made before the cut-off",
    "promises_broken": "promises made a week or more before the cut-off with no payment since",
    "payments_90d": "payments in the 90 days before the cut-off",
}
# Categorical features: one-hot encoded with the categories seen in training.
CATEGORICAL = {"product": "the account's product", "jurisdiction": "CN, US or UK", "region": "state or nation"}
# connect_by_hour: the contact's local hour is always used; these may be added.
HOUR = "hour"
TARGETS = ("propensity_30d", "connect_by_hour")


def _label(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def protected(name: str) -> bool:
    """A protected attribute, as a top-level name or any part of an `attributes.` path."""
    parts = name.removeprefix(ATTRIBUTE_PREFIX).lower().split(".")
    return any(p in PROTECTED for p in parts) or name.lower() in PROTECTED


def allowed(name: str) -> bool:
    if name.startswith(ATTRIBUTE_PREFIX):
        return len(name) > len(ATTRIBUTE_PREFIX)
    return name in NUMERIC or name in CATEGORICAL


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Model):
    """The training data: history up to the as-of date, `days` back."""

    days: int = Field(ge=30, le=3660, description="days of history before the as-of date")
    holdout: float = Field(default=0.25, gt=0, lt=0.9, description="share of accounts held back for metrics")


class ModelSpec(_Model):
    """A model file (language version 1)."""

    kind: Literal["model"] = Field(description="marks the file as a model spec")
    version: Annotated[str, BeforeValidator(_label)] = Field(min_length=1, description="the owner's version label")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)
    target: Literal["propensity_30d", "connect_by_hour"]
    features: list[str] = Field(min_length=1, description="account features the model may use")
    segment: str | None = Field(default=None, description="connect_by_hour: the feature whose values are segments")
    window: Window
    seed: int = Field(default=0, ge=0, description="for the held-back split")

    @model_validator(mode="after")
    def _features(self) -> ModelSpec:
        for i, name in enumerate(self.features):
            if protected(name):
                raise Located(("features", i), f"{name!r} is a protected attribute and may not be a feature")
            if not allowed(name):
                raise Located(("features", i), f"unknown feature {name!r}; one of {sorted({**NUMERIC, **CATEGORICAL})}"
                              " or attributes.<name>")  # fmt: skip
            if name in self.features[:i]:
                raise Located(("features", i), f"{name!r} is listed twice")
        if self.target == "connect_by_hour":
            if self.segment is None:
                raise Located(("segment",), "connect_by_hour needs a segment (e.g. attributes.segment)")
            if self.segment not in self.features:
                raise Located(("segment",), f"segment {self.segment!r} must be one of the listed features")
            if self.segment in NUMERIC:
                raise Located(("segment",), f"segment {self.segment!r} is numeric; a segment is categorical")
        elif self.segment is not None:
            raise Located(("segment",), "only connect_by_hour models have a segment")
        return self


@dataclass(frozen=True)
class LoadedSpec:
    path: Path
    spec: ModelSpec
    sha256: str
    content: str

    @property
    def identity(self) -> dict[str, str]:
        return {"name": self.spec.name, "version": str(self.spec.version), "sha256": self.sha256}


def declares_model(path: str | Path) -> bool:
    return declares_kind(path, "model")


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate one model file; `InputError` names every fault at FILE:LINE:COL."""
    raw, doc = read_yaml_mapping(path, "model file")
    spec = validate_located(ModelSpec, doc, "model")
    return LoadedSpec(Path(path), spec, digest.content_sha256(b"arrears-model-v1", raw, {}), raw.decode())
