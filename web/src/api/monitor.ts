import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type TopicCoverage = components['schemas']['TopicCoverage']
/** openapi-fetch reads the `[from, to]` gap tuples as plain arrays. */
export type SymbolCoverage = Omit<components['schemas']['SymbolCoverage'], 'gaps'> & { gaps: string[][] }
export type CoverageResponse = Omit<components['schemas']['CoverageResponse'], 'symbols'> & { symbols: SymbolCoverage[] }

export function fetchCoverage(api: ApiClient): Promise<CoverageResponse> {
  return unwrap(api.GET('/api/monitor/coverage'))
}

export type AlertItem = components['schemas']['AlertItem']

export function fetchAlerts(api: ApiClient, includeResolved = false): Promise<AlertItem[]> {
  return unwrap(api.GET('/api/monitor/alerts', { params: { query: { include_resolved: includeResolved } } }))
}
