"""The model port: fit on rows of features, predict one score per row, say what mattered.

Contract:
- `fit(features, labels, names)`: `features` is (rows, columns) float64 and may hold NaN
  (a missing value: news on a quiet day); `labels` one per row, finite; `names` the columns'
  feature names. A second `fit` starts over. With the same seed and data, the fitted model
  predicts the same numbers on every run.
- `predict(features)`: one finite score per row, higher meaning a better expected return
  (classifiers return the expected class, e.g. P(+1) - P(-1)). Before `fit`: `NotFitted`.
- `importance()`: one non-negative number per column, in the order of `names`.

Adapters: `tetra.ml.models.sklearn` (ridge, logistic, histogram gradient boosting, random
forest), `tetra.ml.models.gbm` (LightGBM), and `MomentumBaseline`, the plain baseline every
model report compares with. `make_model` picks one by kind; scikit-learn and LightGBM are
the ``ml`` extra and are imported only when a model of theirs is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol

import numpy as np

from tetra.core.errors import ValidationError

Params = Mapping[str, Any]


class NotFitted(ValidationError):
    """A model was asked to predict or explain itself before it was fitted."""


class Model(Protocol):
    """See the module docstring for the contract."""

    kind: ClassVar[str]

    def fit(self, features: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> None: ...

    def predict(self, features: np.ndarray) -> np.ndarray: ...

    def importance(self) -> np.ndarray: ...

    def params(self) -> dict[str, Any]: ...


class MomentumBaseline:
    """Predicts each symbol's trailing momentum: the feature `feature` itself, unfitted."""

    kind: ClassVar[str] = "momentum"

    def __init__(self, feature: str = "mom_12_1") -> None:
        self.feature = feature
        self._column: int | None = None
        self._width = 0

    def fit(self, features: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> None:
        if self.feature not in names:
            raise ValidationError(f"the momentum baseline needs feature {self.feature!r}")
        self._column, self._width = list(names).index(self.feature), len(names)

    def predict(self, features: np.ndarray) -> np.ndarray:
        if self._column is None:
            raise NotFitted("fit the baseline before predicting")
        return np.asarray(np.nan_to_num(features[:, self._column], nan=0.0), dtype=np.float64)

    def importance(self) -> np.ndarray:
        if self._column is None:
            raise NotFitted("fit the baseline first")
        weights = np.zeros(self._width)
        weights[self._column] = 1.0
        return weights

    def params(self) -> dict[str, Any]:
        return {"feature": self.feature}


def scores_of(estimator: Any, features: np.ndarray, classify: bool) -> np.ndarray:
    """A fitted scikit-learn-style estimator's scores: its prediction, or for a classifier
    the expected class under its probabilities (e.g. P(+1) - P(-1))."""
    if not classify:
        return np.asarray(estimator.predict(features), dtype=np.float64)
    probabilities = estimator.predict_proba(features)
    classes = np.asarray(estimator.classes_, dtype=np.float64)
    return np.asarray(probabilities @ classes, dtype=np.float64)


MODEL_KINDS = ("linear", "logistic", "hist_gb", "random_forest", "lightgbm", "momentum")


def make_model(
    kind: str, params: Params | None = None, *, seed: int = 0, classify: bool = False
) -> Model:
    """Return an unfitted model of `kind` with `params` over its defaults.

    `classify`: the labels are classes (triple barrier); ``linear`` then means logistic.
    """
    params = dict(params or {})
    if kind == "momentum":
        try:
            return MomentumBaseline(**params)
        except TypeError as error:
            raise ValidationError(f"momentum: {error}") from None
    if kind == "logistic" and not classify:
        raise ValidationError("logistic regression needs class labels: use --label triple_barrier")
    if kind in ("linear", "logistic", "hist_gb", "random_forest"):
        from tetra.ml.models.sklearn import SklearnModel

        return SklearnModel(kind, params, seed=seed, classify=classify)
    if kind == "lightgbm":
        from tetra.ml.models.gbm import LightGbmModel

        return LightGbmModel(params, seed=seed, classify=classify)
    raise ValidationError(f"unknown model kind {kind!r}; known: {', '.join(MODEL_KINDS)}")
