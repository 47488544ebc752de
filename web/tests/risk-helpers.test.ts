import { describe, expect, it } from 'vitest'
import type { Exposure, LimitUsage } from '@/api/risk'
import { correlationColour, exposureBars, gaugeFill, limitLabel, monteCarloErrors, parseHoldings, scenarioTone, severity, stricter } from '@/components/risk/risk'

const usage = (fields: Partial<LimitUsage>): LimitUsage => ({
  kind: 'position_weight',
  subject: 'SPY',
  value: 0.1,
  cap: 0.25,
  usage: 0.4,
  breached: false,
  ...fields,
})

describe('risk helpers', () => {
  it('reads holdings rows as fractions, skipping blank rows and naming problems', () => {
    expect(parseHoldings([{ symbol: ' spy ', percent: 40 }, { symbol: '', percent: null }, { symbol: 'TLT', percent: -10 }])).toEqual({
      holdings: { SPY: 0.4, TLT: -0.1 },
      errors: [],
    })
    expect(parseHoldings([{ symbol: 'S P Y', percent: 1 }, { symbol: 'QQQ', percent: null }, { symbol: 'GLD', percent: 5000 }]).errors).toEqual([
      '"S P Y" is not a symbol',
      'QQQ: give a weight in %',
      'GLD: 5000% is beyond ±1000%',
    ])
    expect(parseHoldings([{ symbol: 'SPY', percent: 1 }, { symbol: 'spy', percent: 2 }]).errors).toEqual(['SPY is listed twice'])
    expect(parseHoldings([]).errors).toEqual(['List at least one holding'])
  })

  it('colours correlations red together, blue apart, grey unknown', () => {
    expect(correlationColour(1)).toEqual({ background: 'rgba(220, 38, 38, 0.9)', color: '#ffffff' })
    expect(correlationColour(-0.5).background).toBe('rgba(37, 99, 235, 0.49)')
    expect(correlationColour(null).background).toBe('rgba(148, 163, 184, 0.15)')
  })

  it('fills gauges up to the cap and grades them', () => {
    expect(gaugeFill(usage({ usage: 0.4 }))).toBe(0.4)
    expect(gaugeFill(usage({ usage: 1.7, breached: true }))).toBe(1)
    expect(gaugeFill(usage({ usage: null, breached: true }))).toBe(1)
    expect([0.5, 0.85, 1.2].map((u) => severity(usage({ usage: u, breached: u > 1 })))).toEqual(['ok', 'warn', 'breach'])
    expect(limitLabel('group_exposure')).toBe('Group')
    expect(limitLabel('gross_leverage')).toBe('Gross leverage')
  })

  it('scales exposure bars to the largest side of one kind', () => {
    const rows: Exposure[] = [
      { kind: 'group', name: 'largest_etfs', long: 0.6, short: 0.1, gross: 0.7, net: 0.5, symbols: ['SPY'] },
      { kind: 'group', name: 'crypto', long: 0.15, short: 0, gross: 0.15, net: 0.15, symbols: ['BTC'] },
      { kind: 'theme', name: 'layer1', long: 2, short: 0, gross: 2, net: 2, symbols: ['BTC'] },
    ]

    const bars = exposureBars(rows, 'group')

    expect(bars.map((b) => [b.name, b.longWidth, b.shortWidth])).toEqual([
      ['largest_etfs', 50, (0.1 / 0.6) * 50],
      ['crypto', 12.5, 0],
    ])
  })

  it('takes the stricter of two trading states', () => {
    expect(stricter('active', 'reducing')).toBe('reducing')
    expect(stricter('halted', 'reducing')).toBe('halted')
    expect(stricter('active', 'active')).toBe('active')
  })

  it('checks Monte Carlo inputs the way the API does', () => {
    expect(monteCarloErrors(1000, 0)).toEqual([])
    expect(monteCarloErrors(100, 4_294_967_295)).toEqual([])
    expect(monteCarloErrors(99, 0)).toEqual(['Monte Carlo paths: a whole number from 100 to 10,000'])
    expect(monteCarloErrors(10_001, -1)).toHaveLength(2)
    expect(monteCarloErrors(null, 1.5)).toHaveLength(2)
  })

  it('colours a scenario by the sign of its P&L, and not at all when unavailable', () => {
    const row = { scenario: 's', title: 's', method: 'factor' as const, why: '', pnl_pct: null, worst_symbol: null, worst_pnl: null, holdings: [] }
    expect([-1, 0, 5, null].map((pnl) => scenarioTone({ ...row, pnl }))).toEqual(['loss', 'gain', 'gain', 'none'])
  })
})
