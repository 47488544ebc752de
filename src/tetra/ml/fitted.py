"""`FittedModel`: a trained model with everything needed to use it again, and nothing more.

It knows the feature sets (name, version, fingerprint) and columns it was trained on, the
symbols it saw, its label and horizon, and the data window. `predict_day` refuses symbols
the model never saw and feature sets whose definition changed since. It is stored as a
pickle artifact of its tracked run: load models only from a tracking store you trust.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.ml.dataset import feature_rows
from tetra.ml.features import FEATURE_SETS, FeatureFrame, FeatureSet
from tetra.ml.models import Model


class UnknownSymbols(ValidationError):
    """A model was asked about symbols it never saw in training."""


@dataclass
class FittedModel:
    """A model fitted on `features` of `sets` for `symbols`; see the module docstring."""

    model: Model
    features: tuple[str, ...]
    sets: tuple[FeatureSet, ...]
    symbols: tuple[str, ...]
    label: str
    horizon: int
    first_day: dt.date
    last_day: dt.date
    name: str = "model"
    version: int | None = None
    metadata: dict[str, object] = field(default_factory=dict)

    def check_symbols(self, symbols: Sequence[str]) -> None:
        unseen = sorted(set(symbols) - set(self.symbols))
        if unseen:
            raise UnknownSymbols(
                f"model {self.name} never saw {unseen} in training "
                f"(it knows {len(self.symbols)} symbols); train it on them first"
            )

    def check_sets(self) -> None:
        """Raise if a feature set changed since training (same version, other definition)."""
        for trained in self.sets:
            current = FEATURE_SETS.get(trained.name)
            same_version = current is not None and current.version == trained.version
            if same_version and current.fingerprint != trained.fingerprint:  # type: ignore[union-attr]
                raise ValidationError(
                    f"feature set {trained.label} changed since {self.name} was trained"
                )

    def predict_day(self, frame: FeatureFrame, day: int) -> pd.Series:
        """Return the scores of every symbol of `frame` with a feature on decision day `day`."""
        self.check_symbols(frame.symbols)
        features = feature_rows(frame, day, self.features)
        known = np.isfinite(features).any(axis=1)
        scores = self.model.predict(features[known]) if known.any() else np.zeros(0)
        symbols = np.array(frame.symbols, dtype=object)[known]
        return pd.Series(scores, index=pd.Index(symbols, name="symbol"), name="score")

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(data: bytes) -> FittedModel:
        loaded = pickle.loads(data)
        if not isinstance(loaded, FittedModel):
            raise ValidationError("the artifact is not a Tetra model")
        return loaded
