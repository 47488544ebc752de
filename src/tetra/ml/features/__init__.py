"""Declared, versioned feature sets computed point in time from the store (see `build`)."""

from tetra.ml.features.build import FeatureFrame, build_features, check_names, validate_sets
from tetra.ml.features.catalog import BAR_SETS, FEATURE_SETS, OPT_IN_SETS
from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import FeatureSet, FeatureSetError, FeatureSpec, by_name

__all__ = [
    "BAR_SETS",
    "FEATURE_SETS",
    "OPT_IN_SETS",
    "FeatureContext",
    "FeatureFrame",
    "FeatureSet",
    "FeatureSetError",
    "FeatureSpec",
    "build_features",
    "by_name",
    "check_names",
    "register_kind",
    "validate_sets",
]
