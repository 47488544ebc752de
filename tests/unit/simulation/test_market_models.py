"""Market models: parameters recovered from their own paths, OHLC invariants, volume level.

Each recovery test fixes a model's parameters, simulates one long path and calibrates the
same model on it. Stated tolerances (chosen from the estimators' sampling error at that
length; a broken generator or estimator misses them by far):
- GBM (8,000 bars): volatility within 3 % relative, each correlation within 0.04,
  drift within 4 standard errors;
- Merton (20,000 bars, 200-400 jumps per symbol): diffusion volatility within 6 %, jump
  intensity within 40 %, jump mean within 0.02 and jump volatility within 40 % (a few
  hundred jumps pin a mixture's tails only this well: the maximum-likelihood fit scores
  above the true parameters on such samples);
- GARCH(1,1)-t (8,000 bars): alpha within 0.04, beta within 0.06, persistence within
  0.03, degrees of freedom within 35 %, unconditional volatility within 10 %;
- bootstrap (5,000 bars from a 1,500-row history): every entry of the correlation
  matrix of the simulated moves within 0.06 of the history's;
- regimes (20,000 bars): the share of time in each state within 0.02 of the chain's
  stationary shares, and each state's volatility recovered within 15 %.
"""

from __future__ import annotations

import numpy as np
import pytest
from sim_builders import info, ohlc_problems, profile

from tetra.core.errors import ValidationError
from tetra.simulation.models import (
    MODELS,
    Garch,
    Gbm,
    Merton,
    Regimes,
    calibrate,
    history_of,
)
from tetra.simulation.models.base import correlation_of
from tetra.simulation.paths import path_rng

CORRELATION = np.array([[1.0, 0.5, -0.3], [0.5, 1.0, 0.2], [-0.3, 0.2, 1.0]])


def refit(model: object, bars: int, name: str) -> object:
    path = model.simulate(bars, path_rng(11, 0))  # type: ignore[attr-defined]
    return calibrate(name, history_of(path))


def test_gbm_paths_recover_drift_volatility_and_correlation() -> None:
    drift, vol = np.array([0.0004, -0.0002, 0.0]), np.array([0.01, 0.02, 0.015])
    known = Gbm(info(), drift, vol, CORRELATION, profile())
    fitted = refit(known, 8_000, "gbm")
    assert isinstance(fitted, Gbm)
    np.testing.assert_allclose(fitted.volatility, vol, rtol=0.03)
    np.testing.assert_allclose(fitted.correlation, CORRELATION, atol=0.04)
    assert (np.abs(fitted.drift - drift) < 4 * vol / np.sqrt(8_000)).all()


def test_merton_paths_recover_diffusion_and_jumps() -> None:
    two = ("AAA", "BBB")
    known = Merton(
        info(two),
        drift=np.array([0.0003, 0.0]),
        volatility=np.array([0.01, 0.012]),
        intensity=np.array([0.02, 0.01]),
        jump_mean=np.array([-0.05, 0.06]),
        jump_volatility=np.array([0.03, 0.03]),
        correlation=CORRELATION[:2, :2],
        profile=profile(2),
    )
    fitted = refit(known, 20_000, "merton")
    assert isinstance(fitted, Merton)
    np.testing.assert_allclose(fitted.volatility, known.volatility, rtol=0.06)
    np.testing.assert_allclose(fitted.intensity, known.intensity, rtol=0.4)
    np.testing.assert_allclose(fitted.jump_mean, known.jump_mean, atol=0.02)
    np.testing.assert_allclose(fitted.jump_volatility, known.jump_volatility, rtol=0.4)


def test_garch_paths_recover_their_parameters() -> None:
    two = ("AAA", "BBB")
    omega = np.array([2e-6, 4e-6])
    alpha, beta, nu = np.array([0.08, 0.05]), np.array([0.90, 0.92]), np.array([6.0, 9.0])
    known = Garch(
        info(two), np.zeros(2), omega, alpha, beta, nu, omega / (1 - alpha - beta),
        np.ones(2), CORRELATION[:2, :2], profile(2),
    )  # fmt: skip
    fitted = refit(known, 8_000, "garch")
    assert isinstance(fitted, Garch)
    np.testing.assert_allclose(fitted.alpha, alpha, atol=0.04)
    np.testing.assert_allclose(fitted.beta, beta, atol=0.06)
    np.testing.assert_allclose(fitted.alpha + fitted.beta, alpha + beta, atol=0.03)
    np.testing.assert_allclose(fitted.nu, nu, rtol=0.35)
    np.testing.assert_allclose(
        np.sqrt(fitted.unconditional_variance), np.sqrt(known.unconditional_variance), rtol=0.10
    )
    np.testing.assert_allclose(fitted.correlation, CORRELATION[:2, :2], atol=0.05)


def test_bootstrap_paths_keep_the_sample_correlation(panel: object) -> None:
    history = history_of(panel)  # type: ignore[arg-type]
    model = calibrate("bootstrap", history)
    path = model.simulate(5_000, path_rng(3, 0))
    simulated = np.diff(np.log(path.close), axis=0)
    distance = np.abs(correlation_of(simulated) - correlation_of(history.move)).max()
    assert distance < 0.06


def test_regime_paths_spend_the_fitted_share_of_time_in_each_state() -> None:
    known = Regimes(
        info(),
        means=np.array([np.full(3, 0.0005), np.full(3, -0.001)]),
        covariances=np.array(
            [np.diag([0.008, 0.01, 0.012]) ** 2 @ np.eye(3), 9 * np.diag([0.008, 0.01, 0.012]) ** 2]
        ),
        transition=np.array([[0.98, 0.02], [0.06, 0.94]]),
        occupancy=np.array([0.75, 0.25]),
        start_state=0,
        profile=profile(),
    )
    states = known.chain(20_000, path_rng(5, 0))
    shares = np.bincount(states, minlength=2) / len(states)
    np.testing.assert_allclose(shares, known.stationary, atol=0.02)
    np.testing.assert_allclose(known.stationary, [0.75, 0.25], atol=1e-12)
    fitted = refit(known, 20_000, "regime")
    assert isinstance(fitted, Regimes)
    volatility = np.sqrt(np.array([np.diag(c) for c in fitted.covariances]))
    expected = np.sqrt(np.array([np.diag(c) for c in known.covariances]))
    np.testing.assert_allclose(volatility, expected, rtol=0.15)
    np.testing.assert_allclose(fitted.occupancy, known.stationary, atol=0.05)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_generated_bar_is_consistent_and_volume_follows_its_level(
    panel: object, name: str
) -> None:
    history = history_of(panel)  # type: ignore[arg-type]
    model = calibrate(name, history)
    path = model.simulate(1_000, path_rng(1, 0))
    assert path.shape == (1_000, 3)
    assert ohlc_problems(path) == 0
    assert (path.split_ratio == 1).all()
    assert (path.dividend == 0).all()
    assert path.dates[0] > np.datetime64(history.info.last)
    level = np.log(history.volume).mean(axis=0)
    np.testing.assert_allclose(np.log(path.volume).mean(axis=0), level, atol=0.15)


@pytest.mark.parametrize("name", list(MODELS))
def test_same_seed_gives_the_same_panel_bit_for_bit(panel: object, name: str) -> None:
    model = calibrate(name, history_of(panel))  # type: ignore[arg-type]
    first, again = model.simulate(300, path_rng(9, 4)), model.simulate(300, path_rng(9, 4))
    other = model.simulate(300, path_rng(9, 5))
    for field in ("open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(first, field), getattr(again, field))
    assert not np.array_equal(first.close, other.close)


def test_calibration_reports_its_parameters(panel: object) -> None:
    model = calibrate("garch", history_of(panel))  # type: ignore[arg-type]
    names = {(p.symbol, p.name) for p in model.parameters()}
    assert {("AAA", "alpha"), ("CCC", "nu"), ("*", "mean_correlation")} <= names


def test_unknown_model_and_too_short_history_are_clear_errors(panel: object) -> None:
    with pytest.raises(ValidationError, match="unknown market model 'heston'"):
        calibrate("heston", history_of(panel))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="needs at least 30"):
        history_of(panel.window(0, 10))  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="2 or 3 states"):
        calibrate("regime", history_of(panel), states=4)  # type: ignore[arg-type]
