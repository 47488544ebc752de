import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type RunIssue = components['schemas']['RunIssue']
export type RunIssues = components['schemas']['RunIssuesOut']

/** Missed and failed scheduled runs (data pipeline, cycles, SOD/EOD reports) of the last `days`. */
export function fetchRunIssues(api: ApiClient, days = 7): Promise<RunIssues> {
  return unwrap(api.GET('/api/monitor/run-issues', { params: { query: { days } } }))
}
