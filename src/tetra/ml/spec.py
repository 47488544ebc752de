"""`TrainSpec`: everything a training run is asked to do, validated before any data is read."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tetra.ml.features import FEATURE_SETS
from tetra.ml.labels import LabelKind
from tetra.ml.models import MODEL_KINDS
from tetra.strategy.library.ml_signal import MlSignalConfig

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ALL_SETS = tuple(FEATURE_SETS)

Validation = Literal["cpcv", "walk_forward", "rolling"]


class TrainSpec(BaseModel):
    """A model of `model` kind on `feature_sets`, predicting `label` over `horizon` days.

    Validation: ``cpcv`` (combinatorial purged cross-validation: `groups` groups, every
    choice of `test_groups` tested, `embargo` days after each test block), ``walk_forward``
    (anchored: train from the first day) or ``rolling`` (`train_days` long), testing
    `test_days` at a time. The signal's backtest trades the out-of-sample predictions with
    the `signal` settings.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "tetra-model"
    model: str = "lightgbm"
    params: dict[str, Any] = Field(default_factory=dict)
    feature_sets: tuple[str, ...] = ALL_SETS
    features: tuple[str, ...] | None = None
    label: LabelKind = LabelKind.EXCESS_RETURN
    horizon: int = Field(5, ge=1, le=252)
    benchmark: str = "SPY"
    barrier_width: float = Field(1.0, gt=0)
    validation: Validation = "cpcv"
    groups: int = Field(6, ge=2, le=20)
    test_groups: int = Field(2, ge=1)
    embargo: int = Field(5, ge=0)
    train_days: int = Field(756, ge=20)
    test_days: int = Field(126, ge=5)
    seed: int = Field(0, ge=0)
    signal: MlSignalConfig = Field(default_factory=lambda: MlSignalConfig.model_validate({}))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("a model name is 1-64 letters, digits, '_' or '-'")
        return value

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        if value not in MODEL_KINDS or value == "momentum":
            raise ValueError(f"unknown model {value!r}; known: {', '.join(MODEL_KINDS[:-1])}")
        return value

    @field_validator("feature_sets")
    @classmethod
    def _sets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in FEATURE_SETS]
        if unknown or not value:
            raise ValueError(f"unknown feature sets {unknown}; known: {', '.join(FEATURE_SETS)}")
        return value

    @model_validator(mode="after")
    def _groups(self) -> TrainSpec:
        if self.test_groups >= self.groups:
            raise ValueError(f"test_groups ({self.test_groups}) must be below groups")
        if self.features is not None:
            known = [f for name in self.feature_sets for f in FEATURE_SETS[name].names]
            unknown = [f for f in self.features if f not in known]
            if unknown or not self.features:
                raise ValueError(
                    f"unknown feature columns {unknown} for sets {list(self.feature_sets)}"
                )
        return self
