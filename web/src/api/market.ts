import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type BarsResponse = components['schemas']['BarsResponse']
export type MarketBar = components['schemas']['BarOut']
export type NewsArticle = components['schemas']['NewsArticleOut']
export type MarketEvent = components['schemas']['MarketEventOut']

export interface BarsQuery {
  start?: string
  end?: string
  /** e.g. sma:20, rsi:14, bollinger:20 */
  indicators: string[]
}

export function fetchBars(api: ApiClient, symbol: string, query: BarsQuery): Promise<BarsResponse> {
  return unwrap(
    api.GET('/api/market/bars/{symbol}', {
      params: {
        path: { symbol },
        query: { start: query.start, end: query.end, indicator: query.indicators },
      },
    }),
  )
}

export async function fetchNews(api: ApiClient, symbol: string, limit = 50): Promise<NewsArticle[]> {
  const page = await unwrap(api.GET('/api/market/news', { params: { query: { symbol, limit } } }))
  return page.items
}

export async function fetchEarnings(api: ApiClient, symbol: string, start?: string, end?: string): Promise<MarketEvent[]> {
  const page = await unwrap(
    api.GET('/api/market/events', { params: { query: { symbol, kind: 'earnings', start, end, limit: 1000 } } }),
  )
  return page.items
}
