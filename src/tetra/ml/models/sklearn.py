"""scikit-learn models behind the model port: ridge/logistic, histogram boosting, random forest.

Linear models impute missing values with the training median and standardise, so their
coefficients compare across features (importance = |coefficient|). Tree models take NaN as
is. Histogram boosting has no built-in importance: it is the permutation importance on up
to `IMPORTANCE_ROWS` training rows (seeded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from tetra.core.errors import ValidationError
from tetra.ml.models.port import NotFitted, Params, scores_of

IMPORTANCE_ROWS = 5_000

DEFAULTS: dict[str, dict[str, Any]] = {
    "linear": {"alpha": 1.0},
    "logistic": {"C": 1.0, "max_iter": 1000},
    "hist_gb": {
        "max_iter": 200,
        "learning_rate": 0.05,
        "max_leaf_nodes": 31,
        "min_samples_leaf": 200,
        "l2_regularization": 1.0,
        "early_stopping": False,
    },
    "random_forest": {
        "n_estimators": 100,
        "min_samples_leaf": 100,
        "max_features": 0.3,
        "n_jobs": 1,
    },
}


class SklearnModel:
    """One scikit-learn estimator of `kind`; see the module docstring."""

    kind: ClassVar[str] = "sklearn"

    def __init__(self, kind: str, params: Params, *, seed: int, classify: bool) -> None:
        self.kind = kind  # type: ignore[misc]
        self.seed, self.classify = seed, classify
        self._params = {**DEFAULTS[_family(kind, classify)], **params}
        self._estimator: Any = None
        self._importance: np.ndarray | None = None
        self._build()  # fail on bad parameters now, not after the data is loaded

    def params(self) -> dict[str, Any]:
        return dict(self._params)

    def fit(self, features: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> None:
        estimator = self._build()
        estimator.fit(features, labels)
        self._estimator = estimator
        self._importance = self._explain(features, labels)

    def predict(self, features: np.ndarray) -> np.ndarray:
        if self._estimator is None:
            raise NotFitted(f"fit the {self.kind} model before predicting")
        return scores_of(self._estimator, features, self.classify)

    def importance(self) -> np.ndarray:
        if self._importance is None:
            raise NotFitted(f"fit the {self.kind} model first")
        return self._importance

    def _build(self) -> Any:
        family = _family(self.kind, self.classify)
        try:
            return _ESTIMATORS[family](self._params, self.seed, self.classify)
        except (TypeError, ValueError) as error:
            raise ValidationError(f"{self.kind}: bad parameters: {error}") from None

    def _explain(self, features: np.ndarray, labels: np.ndarray) -> np.ndarray:
        estimator = self._estimator
        if isinstance(estimator, Pipeline):
            coefficients = np.abs(np.atleast_2d(estimator[-1].coef_))
            return np.asarray(coefficients.mean(axis=0), dtype=np.float64)
        if hasattr(estimator, "feature_importances_"):
            return np.asarray(estimator.feature_importances_, dtype=np.float64)
        rows = np.random.default_rng(self.seed).permutation(len(labels))[:IMPORTANCE_ROWS]
        found = permutation_importance(
            estimator, features[rows], labels[rows], n_repeats=2, random_state=self.seed
        )
        return np.maximum(np.asarray(found.importances_mean, dtype=np.float64), 0.0)


def _family(kind: str, classify: bool) -> str:
    return "logistic" if kind == "linear" and classify else kind


def _linear(params: dict[str, Any], seed: int, classify: bool) -> Pipeline:
    head = LogisticRegression(**params) if classify else Ridge(**params)
    imputer = SimpleImputer(strategy="median", keep_empty_features=True)
    return make_pipeline(imputer, StandardScaler(), head)


def _boosting(params: dict[str, Any], seed: int, classify: bool) -> Any:
    cls = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    return cls(**params, random_state=seed)


def _forest(params: dict[str, Any], seed: int, classify: bool) -> Any:
    cls = RandomForestClassifier if classify else RandomForestRegressor
    return cls(**params, random_state=seed)


_ESTIMATORS = {
    "linear": _linear,
    "logistic": _linear,
    "hist_gb": _boosting,
    "random_forest": _forest,
}
