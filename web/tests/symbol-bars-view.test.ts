import { describe, expect, it } from 'vitest'
import type { TradeOut } from '@/api/backtests'
import type { BarColumns } from '@/api/market'
import { chosenIndicators, overlaysFor, panesFor, rebased, toBars, tradeMarkers } from '@/components/symbol/barsView'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000
function columns(symbol: string, days: string[], close: number[], values: Record<string, (number | null)[]> = {}): BarColumns {
  return {
    symbol, interval: '1d', source: 'test', period: null, first_available: days[0]!, last_available: days[days.length - 1]!,
    start: days[0]!, end: days[days.length - 1]!, t: days.map(day), open: close, high: close, low: close, close, volume: close.map(() => 10),
    indicators: Object.keys(values), values, corporate_actions: [], earnings: [], geopolitical: [],
  }
}
const DAYS = ['2025-06-02', '2025-06-03', '2025-06-04']

describe('symbol bars as chart data', () => {
  it('turns columns into daily bars with date-only times', () => {
    expect(toBars(columns('A', DAYS, [1, 2, 3]))[1]).toEqual({ time: '2025-06-03', open: 2, high: 2, low: 2, close: 2, volume: 10 })
  })

  it('rebases another symbol onto the price on the first shared day and skips days it lacks', () => {
    const main = columns('A', DAYS, [100, 110, 120])
    const other = columns('B', ['2025-05-30', '2025-06-03', '2025-06-04'], [40, 50, 55])
    const points = rebased(main, other)
    expect(points.map((p) => p.time)).toEqual(['2025-06-03', '2025-06-04'])
    expect(points[0]!.value).toBeCloseTo(110, 10)
    expect(points[1]!.value).toBeCloseTo(121, 10) // 55 / 50 * 110
  })

  it('puts price indicators over the candles and the rest in panes of their own, nulls skipped', () => {
    const data = columns('A', DAYS, [1, 2, 3], { sma_20: [null, 1.5, 2.5], rsi_14: [null, null, 70] })
    const chosen = chosenIndicators(['sma20', 'rsi14'])
    expect(overlaysFor(data, chosen).map((o) => [o.id, o.points.length])).toEqual([['sma_20', 2]])
    expect(panesFor(data, chosen)).toMatchObject([{ id: 'rsi14', guides: [30, 70], series: [{ id: 'rsi_14', points: [{ time: '2025-06-04', value: 70 }] }] }])
  })

  it("marks a run's entries and exits of the symbol on its bars", () => {
    const trade = (symbol: string, side: string, entry: string, exit: string | null): TradeOut => ({
      symbol, side, entry_ts: `${entry}T00:00:00Z`, exit_ts: exit && `${exit}T00:00:00Z`, quantity: 1, entry_price: 10, exit_price: exit ? 12 : null, pnl: null, fees: 0,
    })
    const marks = tradeMarkers([trade('A', 'long', '2025-06-02', '2025-06-04'), trade('a', 'short', '2025-06-03', null), trade('B', 'long', '2025-06-02', null)], 'A', DAYS)
    expect(marks).toEqual([
      { time: '2025-06-02', position: 'belowBar', shape: 'arrowUp', color: '#059669', text: 'Buy 10.00' },
      { time: '2025-06-04', position: 'aboveBar', shape: 'arrowDown', color: '#dc2626', text: 'Sell 12.00' },
      { time: '2025-06-03', position: 'aboveBar', shape: 'arrowDown', color: '#dc2626', text: 'Sell 10.00' },
    ])
  })
})
