import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type MacroSeries = components['schemas']['MacroSeriesOut']
export type MacroObservation = components['schemas']['MacroObservationOut']
export type MacroVintage = components['schemas']['MacroVintageOut']

export async function fetchMacroSeries(api: ApiClient): Promise<MacroSeries[]> {
  const page = await unwrap(api.GET('/api/market/macro', { params: { query: { limit: 1000 } } }))
  return page.items
}

/** The series as known on `asOf` (the latest vintage of each date by then), oldest date first. */
export async function fetchMacroObservations(api: ApiClient, seriesId: string, source: string, asOf?: string): Promise<MacroObservation[]> {
  const query = { source, limit: 1000, ...(asOf ? { as_of: asOf } : {}) }
  const first = await unwrap(api.GET('/api/market/macro/{series_id}', { params: { path: { series_id: seriesId }, query } }))
  const items = [...first.items]
  // A long daily series has more than a page: read it to the end.
  while (items.length < first.total) {
    const next = await unwrap(
      api.GET('/api/market/macro/{series_id}', { params: { path: { series_id: seriesId }, query: { ...query, offset: items.length } } }),
    )
    if (!next.items.length) break
    items.push(...next.items)
  }
  return items
}

export async function fetchMacroVintages(api: ApiClient, seriesId: string, source: string): Promise<MacroVintage[]> {
  const found = await unwrap(api.GET('/api/market/macro/{series_id}/vintages', { params: { path: { series_id: seriesId }, query: { source } } }))
  return found.vintages
}
