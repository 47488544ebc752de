/** How a backtest metric reads: its order in tables and its unit. */
import { formatInteger, formatMoney, formatNumber, formatPercent, humanize } from '@/lib/format'

export const HEADLINE_METRICS = [
  'total_return',
  'annual_return',
  'sharpe_ratio',
  'sortino_ratio',
  'max_drawdown',
  'annual_volatility',
  'calmar_ratio',
  'win_rate',
  'number_of_trades',
  'open_trades',
  'unrealised_pnl',
  'exposure',
]

const PERCENT = new Set(['total_return', 'annual_return', 'annual_volatility', 'max_drawdown', 'win_rate', 'exposure', 'expectancy_return', 'alpha'])
const MONEY = new Set(['average_win', 'average_loss', 'expectancy', 'final_equity', 'unrealised_pnl'])
const COUNT = new Set(['number_of_trades', 'open_trades', 'trades'])
const LABELS: Record<string, string> = {
  number_of_trades: 'Closed trades',
  open_trades: 'Open trades',
  unrealised_pnl: 'Unrealised P&L',
}

/** Headline metrics first in a fixed order, the others after them alphabetically. */
export function orderedMetrics(names: string[]): string[] {
  const given = new Set(names)
  const headline = HEADLINE_METRICS.filter((name) => given.has(name))
  const rest = names.filter((name) => !HEADLINE_METRICS.includes(name)).sort()
  return [...headline, ...rest]
}

export function formatMetric(name: string, value: number | null | undefined): string {
  if (PERCENT.has(name)) return formatPercent(value, 2)
  if (MONEY.has(name)) return formatMoney(value)
  if (COUNT.has(name)) return formatInteger(value)
  if (name.endsWith('_duration')) return value === null || value === undefined ? '—' : `${formatInteger(value)} d`
  return formatNumber(value)
}

export function metricLabel(name: string): string {
  return LABELS[name] ?? humanize(name).replace(/ ratio$/, '')
}
