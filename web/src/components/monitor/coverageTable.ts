/**
 * The Data Monitor's symbol table as pure functions: filter by text and dataset, sort by a
 * column either way, and merge the topic cards that share a topic (events has two datasets).
 */
import type { SymbolCoverage, TopicCoverage } from '@/api/monitor'

export type SortKey = 'symbol' | 'asset_class' | 'dataset' | 'completeness' | 'records' | 'missing' | 'gaps' | 'quarantined' | 'last'
export type SortDirection = 'asc' | 'desc'

export interface SortState {
  key: SortKey
  direction: SortDirection
}

export interface CoverageFilter {
  /** Matched case-insensitively against the symbol and the source. */
  text: string
  /** A dataset name, or '' for every dataset. */
  dataset: string
  /** An asset class (equity, etf, crypto, macro, news), or '' for every class. */
  assetClass?: string
}

export function filterCoverage(rows: SymbolCoverage[], filter: CoverageFilter): SymbolCoverage[] {
  const text = filter.text.trim().toLowerCase()
  return rows.filter(
    (row) =>
      (filter.dataset === '' || row.dataset === filter.dataset) &&
      (!filter.assetClass || row.asset_class === filter.assetClass) &&
      (text === '' || row.symbol.toLowerCase().includes(text) || row.source.toLowerCase().includes(text)),
  )
}

/** A row's value for `key`; null where the row has no calendar to measure it against. */
function sortValue(row: SymbolCoverage, key: SortKey): string | number | null {
  switch (key) {
    case 'gaps':
      return row.gaps.length
    case 'last':
      return row.last ?? ''
    default:
      return row[key] ?? null
  }
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b))
}

/**
 * Sort a copy of `rows`; rows without the measure (series, news: null) go last either way, and
 * ties keep symbol order so the table does not shuffle on refetch.
 */
export function sortCoverage(rows: SymbolCoverage[], sort: SortState): SymbolCoverage[] {
  const sign = sort.direction === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)]
    const missing = Number(x === null) - Number(y === null)
    if (missing || x === null || y === null) return missing || a.symbol.localeCompare(b.symbol)
    return sign * compare(x, y) || a.symbol.localeCompare(b.symbol)
  })
}

/** Click a header: the same column flips direction, a new one starts with its natural order. */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
  const textual = key === 'symbol' || key === 'dataset' || key === 'asset_class'
  return { key, direction: textual ? 'asc' : key === 'completeness' ? 'asc' : 'desc' }
}

export function datasetsOf(rows: SymbolCoverage[]): string[] {
  return [...new Set(rows.map((row) => row.dataset))].sort()
}

export function assetClassesOf(rows: SymbolCoverage[]): string[] {
  return [...new Set(rows.map((row) => row.asset_class))].sort()
}

export interface TopicCard {
  topic: string
  datasets: string[]
  records: number
  entities: number
  first: string | null
  last: string | null
  freshnessDays: number | null
  /** The topic's own cadence: older than this many days is stale. */
  staleAfterDays: number
  sources: string[]
}

const TOPIC_ORDER = [
  'market_data',
  'crypto',
  'economic_data',
  'news',
  'events',
  'geopolitics',
  'social',
]

function minOf(values: (string | null)[]): string | null {
  const found = values.filter((v): v is string => v !== null).sort()
  return found[0] ?? null
}

function maxOf(values: (string | null)[]): string | null {
  const found = values.filter((v): v is string => v !== null).sort()
  return found[found.length - 1] ?? null
}

/** One card per topic: records and entities add up, the range spans all, freshness is the best. */
export function topicCards(topics: TopicCoverage[]): TopicCard[] {
  const byTopic = new Map<string, TopicCoverage[]>()
  for (const topic of topics) byTopic.set(topic.topic, [...(byTopic.get(topic.topic) ?? []), topic])
  const rank = (topic: string) => (TOPIC_ORDER.indexOf(topic) + 1 || TOPIC_ORDER.length + 1)
  return [...byTopic.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([topic, parts]) => {
      const freshness = parts.map((p) => p.freshness_days).filter((d): d is number => d !== null)
      return {
        topic,
        datasets: parts.map((p) => p.dataset),
        records: parts.reduce((sum, p) => sum + p.records, 0),
        entities: parts.reduce((sum, p) => sum + p.entities, 0),
        first: minOf(parts.map((p) => p.first)),
        last: maxOf(parts.map((p) => p.last)),
        freshnessDays: freshness.length ? Math.min(...freshness) : null,
        staleAfterDays: Math.max(...parts.map((p) => p.stale_after_days ?? STALE_AFTER_DAYS)),
        sources: [...new Set(parts.flatMap((p) => p.sources))].sort(),
      }
    })
}

/** Daily data older than this many days is stale (a long weekend plus a holiday is still fresh). */
export const STALE_AFTER_DAYS = 4

export type Freshness = 'fresh' | 'stale' | 'empty'

/** Fresh within the topic's cadence (`staleAfter` days, from the API), else stale. */
export function freshnessOf(days: number | null, staleAfter = STALE_AFTER_DAYS): Freshness {
  if (days === null) return 'empty'
  return days <= staleAfter ? 'fresh' : 'stale'
}
