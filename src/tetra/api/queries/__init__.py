"""Blocking reads behind the routes, one module per area; run each in the thread pool.

Map: `common` (`NotFound`, which becomes a 404; `day_bounds` turns inclusive API dates into a
store range; `rows`); `indicators` (`IndicatorSpec`: ``sma:20`` and friends); `bars` (a
symbol's bars with a warm-up, its indicators, and split, dividend and earnings markers);
`macro` (economic series and their vintages); `news` (articles with sentiment); `events`
(earnings and economic releases). The routes call them through `deps.blocking`.
"""
