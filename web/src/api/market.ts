import { unwrap, type ApiClient } from './client'
import type { components, paths } from './schema'

export type BarsResponse = components['schemas']['BarsResponse']
export type BarColumns = components['schemas']['BarColumns']
export type Period = NonNullable<NonNullable<paths['/api/market/bars/{symbol}/columns']['get']['parameters']['query']>['period']>
export type NewsPage = components['schemas']['Page_NewsArticleOut_']
export type MarketBar = components['schemas']['BarOut']
export type NewsArticle = components['schemas']['NewsArticleOut']
export type MarketEvent = components['schemas']['MarketEventOut']

/** A range: a preset period ending on the last bar, or inclusive days. */
export type BarsRange = { period: Period } | { start: string; end: string }

/** Bars and indicators of `range` as column arrays (gzip, ETag-revalidated by the browser). */
export function fetchBarColumns(api: ApiClient, symbol: string, range: BarsRange, indicators: string[]): Promise<BarColumns> {
  const span = 'period' in range ? { period: range.period } : { start: range.start, end: range.end }
  return unwrap(
    api.GET('/api/market/bars/{symbol}/columns', {
      params: { path: { symbol }, query: { ...span, indicator: indicators } },
    }),
  )
}

export function fetchNewsPage(api: ApiClient, symbol: string, offset: number, limit = 20): Promise<NewsPage> {
  return unwrap(api.GET('/api/market/news', { params: { query: { symbol, offset, limit } } }))
}

export async function fetchEarnings(api: ApiClient, symbol: string, start?: string, end?: string): Promise<MarketEvent[]> {
  const page = await unwrap(
    api.GET('/api/market/events', { params: { query: { symbol, kind: 'earnings', start, end, limit: 1000 } } }),
  )
  return page.items
}
