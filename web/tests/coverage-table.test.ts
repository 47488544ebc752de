import { describe, expect, it } from 'vitest'
import type { SymbolCoverage, TopicCoverage } from '@/api/monitor'
import { filterCoverage, freshnessOf, nextSort, sortCoverage, topicCards } from '@/components/monitor/coverageTable'

const row = (symbol: string, fields: Partial<SymbolCoverage> = {}): SymbolCoverage => ({
  symbol,
  dataset: 'market_data.ohlcv',
  source: 'sample',
  asset_class: 'etf',
  calendar: 'XNYS',
  records: 100,
  first: '2024-01-02',
  last: '2025-12-31',
  expected: 100,
  stored: 100,
  missing: 0,
  completeness: 1,
  gaps: [],
  quarantined: 0,
  computed_at: '2026-01-01T00:00:00Z',
  ...fields,
})

const rows = [
  row('SPY'),
  row('AAPL', { completeness: 0.9, missing: 10, gaps: [['2024-02-01', '2024-02-05']] }),
  row('BTC', { dataset: 'crypto.ohlcv', source: 'coinbase', completeness: 0.99, missing: 1 }),
  row('SPYG', { quarantined: 3 }),
]

describe('filterCoverage by asset class', () => {
  it('keeps the rows of one class, series and news included', () => {
    const mixed = [
      row('SPY'),
      row('CPIAUCSL', { asset_class: 'macro', dataset: 'economic_data.indicators', completeness: null, missing: null }),
      row('AAPL', { asset_class: 'news', dataset: 'news.sentiment', completeness: null, missing: null }),
    ]
    expect(filterCoverage(mixed, { text: '', dataset: '', assetClass: 'macro' }).map((r) => r.symbol)).toEqual(['CPIAUCSL'])
    expect(filterCoverage(mixed, { text: '', dataset: '', assetClass: '' })).toHaveLength(3)
    // a row without a calendar sorts after every measured one, either way
    expect(sortCoverage(mixed, { key: 'completeness', direction: 'asc' }).map((r) => r.symbol)).toEqual(['SPY', 'AAPL', 'CPIAUCSL'])
    expect(sortCoverage(mixed, { key: 'completeness', direction: 'desc' }).map((r) => r.symbol)).toEqual(['SPY', 'AAPL', 'CPIAUCSL'])
  })
})

describe('filterCoverage', () => {
  it('matches the text in symbols and sources, case-insensitively', () => {
    expect(filterCoverage(rows, { text: 'spy', dataset: '' }).map((r) => r.symbol)).toEqual(['SPY', 'SPYG'])
    expect(filterCoverage(rows, { text: 'COIN', dataset: '' }).map((r) => r.symbol)).toEqual(['BTC'])
  })

  it('keeps only the chosen dataset', () => {
    expect(filterCoverage(rows, { text: '', dataset: 'crypto.ohlcv' }).map((r) => r.symbol)).toEqual(['BTC'])
  })
})

describe('sortCoverage', () => {
  it('sorts by completeness, worst first, ties by symbol', () => {
    expect(sortCoverage(rows, { key: 'completeness', direction: 'asc' }).map((r) => r.symbol)).toEqual(['AAPL', 'BTC', 'SPY', 'SPYG'])
  })

  it('sorts by gap count and by symbol descending', () => {
    expect(sortCoverage(rows, { key: 'gaps', direction: 'desc' })[0]?.symbol).toBe('AAPL')
    expect(sortCoverage(rows, { key: 'symbol', direction: 'desc' }).map((r) => r.symbol)).toEqual(['SPYG', 'SPY', 'BTC', 'AAPL'])
  })

  it('leaves its input in place', () => {
    const before = rows.map((r) => r.symbol)
    sortCoverage(rows, { key: 'quarantined', direction: 'desc' })
    expect(rows.map((r) => r.symbol)).toEqual(before)
  })
})

describe('nextSort', () => {
  it('flips the direction of the same column and starts a numeric column with the largest', () => {
    expect(nextSort({ key: 'symbol', direction: 'asc' }, 'symbol')).toEqual({ key: 'symbol', direction: 'desc' })
    expect(nextSort({ key: 'symbol', direction: 'asc' }, 'missing')).toEqual({ key: 'missing', direction: 'desc' })
  })
})

describe('topicCards', () => {
  const topic = (name: string, dataset: string, fields: Partial<TopicCoverage>): TopicCoverage => ({
    topic: name, dataset, records: 0, entities: 0, first: null, last: null, freshness_days: null, stale_after_days: 4, sources: [], ...fields,
  })

  it('merges the datasets of one topic and orders the topics', () => {
    const cards = topicCards([
      topic('events', 'events.earnings', { records: 5, entities: 2, first: '2024-01-05', last: '2024-03-01', freshness_days: 9, sources: ['b'] }),
      topic('market_data', 'market_data.ohlcv', { records: 7, entities: 1 }),
      topic('events', 'events.economic_events', { records: 3, entities: 1, first: '2023-12-01', last: '2024-02-01', freshness_days: 38, stale_after_days: 35, sources: ['a', 'b'] }),
    ])

    expect(cards.map((c) => c.topic)).toEqual(['market_data', 'events'])
    expect(cards[1]).toEqual({
      topic: 'events',
      datasets: ['events.earnings', 'events.economic_events'],
      records: 8,
      entities: 3,
      first: '2023-12-01',
      last: '2024-03-01',
      freshnessDays: 9,
      staleAfterDays: 35,
      sources: ['a', 'b'],
    })
  })

  it('calls data fresh for a few days, then stale', () => {
    expect([freshnessOf(0), freshnessOf(4), freshnessOf(5), freshnessOf(null)]).toEqual(['fresh', 'fresh', 'stale', 'empty'])
  })

  it('judges a topic by its own cadence', () => {
    expect([freshnessOf(30, 35), freshnessOf(36, 35), freshnessOf(3, 2)]).toEqual(['fresh', 'stale', 'stale'])
  })
})
