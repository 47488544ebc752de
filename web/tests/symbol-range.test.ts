import { describe, expect, it } from 'vitest'
import { fromQuery, periodStart, toQuery } from '@/components/symbol/range'

const KNOWN = ['sma20', 'sma50', 'rsi14', 'macd']

describe('the symbol view in the URL', () => {
  it('defaults to one year and the two moving averages', () => {
    expect(fromQuery({}, KNOWN)).toEqual({ range: { period: '1Y' }, indicators: ['sma20', 'sma50'], compare: [], scale: 'linear', run: null })
    expect(toQuery(fromQuery({}, KNOWN))).toEqual({})
  })

  it('reads presets, custom days, indicators, compared symbols, scale and run, and writes them back', () => {
    const query = { from: '2020-01-02', to: '2021-06-30', ind: 'rsi14,macd,nope', compare: 'qqq,TLT,QQQ', scale: 'log', run: 'abc' }
    const state = fromQuery(query, KNOWN)
    expect(state).toEqual({ range: { start: '2020-01-02', end: '2021-06-30' }, indicators: ['rsi14', 'macd'], compare: ['QQQ', 'TLT'], scale: 'log', run: 'abc' })
    expect(toQuery(state)).toEqual({ from: '2020-01-02', to: '2021-06-30', ind: 'rsi14,macd', compare: 'QQQ,TLT', scale: 'log', run: 'abc' })
    expect(fromQuery({ range: 'all' }, KNOWN).range).toEqual({ period: 'ALL' })
    expect(toQuery({ ...state, range: { period: '5Y' } }).range).toBe('5Y')
  })

  it('ignores what is not valid', () => {
    expect(fromQuery({ range: '2Y', scale: 'cubic', from: '2021-13-01', to: '2021-01-01' }, KNOWN)).toMatchObject({ range: { period: '1Y' }, scale: 'linear' })
    expect(fromQuery({ from: '2022-01-01', to: '2021-01-01' }, KNOWN).range).toEqual({ period: '1Y' })
    expect(fromQuery({ ind: '' }, KNOWN).indicators).toEqual([])
  })

  it('starts a period the day after as long before the last bar, as the API does', () => {
    expect(periodStart('1Y', '2025-12-31')).toBe('2025-01-01')
    expect(periodStart('1M', '2024-03-31')).toBe('2024-03-01') // 29 Feb + 1 day
    expect(periodStart('3M', '2025-05-30')).toBe('2025-03-01') // 28 Feb + 1 day
    expect(periodStart('5Y', '2025-12-31')).toBe('2021-01-01')
    expect(periodStart('YTD', '2025-06-30')).toBe('2025-01-01')
    expect(periodStart('ALL', '2025-06-30')).toBeNull()
  })
})
