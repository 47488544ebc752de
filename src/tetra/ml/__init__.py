"""Machine learning on point-in-time features: labels, purged validation, models, tracking."""
