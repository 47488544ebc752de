"""LightGBM behind the model port: deterministic (row-wise, seeded), NaN taken as missing.

Importance is each feature's share of the total split gain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import lightgbm
import numpy as np

from tetra.core.errors import ValidationError
from tetra.ml.models.port import NotFitted, Params, scores_of

DEFAULTS: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 200,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "n_jobs": 1,
}
FIXED: dict[str, Any] = {"deterministic": True, "force_row_wise": True, "verbose": -1}


class LightGbmModel:
    """A LightGBM regressor, or classifier for class labels."""

    kind: ClassVar[str] = "lightgbm"

    def __init__(self, params: Params, *, seed: int, classify: bool = False) -> None:
        unknown = sorted(set(params) - set(lightgbm.LGBMModel().get_params()))
        if unknown:
            raise ValidationError(f"lightgbm: unknown parameters {unknown}")
        self.seed, self.classify = seed, classify
        self._params = {**DEFAULTS, **params}
        self._estimator: Any = None

    def params(self) -> dict[str, Any]:
        return dict(self._params)

    def fit(self, features: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> None:
        cls = lightgbm.LGBMClassifier if self.classify else lightgbm.LGBMRegressor
        estimator = cls(**self._params, **FIXED, random_state=self.seed)
        try:
            estimator.fit(features, labels)
        except (lightgbm.basic.LightGBMError, ValueError) as error:
            raise ValidationError(f"lightgbm: {error}") from None
        self._estimator = estimator

    def predict(self, features: np.ndarray) -> np.ndarray:
        if self._estimator is None:
            raise NotFitted("fit the lightgbm model before predicting")
        return scores_of(self._estimator, features, self.classify)

    def importance(self) -> np.ndarray:
        if self._estimator is None:
            raise NotFitted("fit the lightgbm model first")
        gain = self._estimator.booster_.feature_importance(importance_type="gain")
        gain = np.asarray(gain, dtype=np.float64)
        total = gain.sum()
        return gain / total if total > 0 else gain
