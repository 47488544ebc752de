import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type IngestRun = components['schemas']['IngestRunOut']
export type QuarantinedRecord = components['schemas']['QuarantinedRecordOut']
/** A dataset's quarantine count (its reasons and gaps are on the API's quality route). */
export type DatasetQuality = Pick<components['schemas']['DatasetQuality'], 'dataset' | 'quarantined'>

export interface Paged<T> {
  items: T[]
  total: number
}

export function fetchPipelineRuns(api: ApiClient, status: string, offset = 0, limit = 50): Promise<Paged<IngestRun>> {
  const query = { offset, limit, ...(status ? { status } : {}) }
  return unwrap(api.GET('/api/pipeline/runs', { params: { query } }))
}

export interface QuarantineFilter {
  dataset: string
  source: string
  reason: string
}

export function fetchQuarantine(api: ApiClient, filter: QuarantineFilter, offset = 0, limit = 50): Promise<Paged<QuarantinedRecord>> {
  const query = {
    offset,
    limit,
    ...(filter.dataset ? { dataset: filter.dataset } : {}),
    ...(filter.source ? { source: filter.source } : {}),
    ...(filter.reason.trim() ? { reason: filter.reason.trim() } : {}),
  }
  return unwrap(api.GET('/api/pipeline/quarantine', { params: { query } }))
}

export async function fetchQuality(api: ApiClient): Promise<DatasetQuality[]> {
  const found = await unwrap(api.GET('/api/pipeline/quality'))
  return found.datasets.map(({ dataset, quarantined }) => ({ dataset, quarantined }))
}
