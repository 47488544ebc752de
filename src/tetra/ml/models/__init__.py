"""Models behind one small port (`Model`), made by kind with `make_model`."""

from tetra.ml.models.port import (
    MODEL_KINDS,
    Model,
    MomentumBaseline,
    NotFitted,
    make_model,
)

__all__ = ["MODEL_KINDS", "Model", "MomentumBaseline", "NotFitted", "make_model"]
