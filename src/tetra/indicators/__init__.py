"""Technical indicators on NumPy arrays or pandas objects, numerically equal to TA-Lib's.

Each function takes one series (1-D array or Series) or a panel (T x N array or DataFrame,
one column per symbol) and returns the same kind with the same labels. The numba kernels
behind them live in `tetra.indicators.nb`, for callers that already hold float64 arrays.

==========================  ==========================  =================================
function                    TA-Lib                      returns
==========================  ==========================  =================================
sma, ema, wma               SMA, EMA, WMA               values
macd                        MACD(12, 26, 9)             MACD(macd, signal, histogram)
rsi                         RSI(14)                     values in [0, 100]
stochastic                  STOCH(5, 3, SMA, 3, SMA)    Stochastic(slow_k, slow_d)
rate_of_change, momentum    ROC(10), MOM(10)            values
bollinger_bands             BBANDS(SMA, nbdev 2)        BollingerBands(upper, middle, lower)
atr                         ATR(14)                     values
adx                         ADX, PLUS_DI, MINUS_DI      ADX(adx, plus_di, minus_di)
obv                         OBV                         values
vwap                        (none)                      rolling or anchored VWAP
rolling_zscore              (none)                      (x - mean) / population std
rolling_beta                (none; BETA uses returns)   cov(y, x) / var(x)
rolling_correlation         (none)                      Pearson correlation
crossings                   (none)                      int8: +1 cross above, -1 below
==========================  ==========================  =================================

Warm-up: outputs are NaN for as many bars as TA-Lib's lookback. Leading NaNs (a symbol
listed later than the panel starts) are skipped: the warm-up starts at the first finite
value, or for several inputs at the first row where all are finite. Interior NaNs are not
skipped; they propagate through the running sums and recursions (fill gaps first).

SMA and EMA (and MACD, z-score) run natively on panels; the other kernels are applied
column by column.
"""

from tetra.indicators._momentum import Stochastic, momentum, rate_of_change, rsi, stochastic
from tetra.indicators._statistics import rolling_beta, rolling_correlation, rolling_zscore
from tetra.indicators._trend import MACD, crossings, ema, macd, sma, wma
from tetra.indicators._volatility import ADX, BollingerBands, adx, atr, bollinger_bands
from tetra.indicators._volume import obv, vwap

__all__ = [
    "ADX",
    "MACD",
    "BollingerBands",
    "Stochastic",
    "adx",
    "atr",
    "bollinger_bands",
    "crossings",
    "ema",
    "macd",
    "momentum",
    "obv",
    "rate_of_change",
    "rolling_beta",
    "rolling_correlation",
    "rolling_zscore",
    "rsi",
    "sma",
    "stochastic",
    "vwap",
    "wma",
]
