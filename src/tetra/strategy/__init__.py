"""Strategies: a small base with a frozen, validated config, and the library built on it."""
