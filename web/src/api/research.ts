import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type WalkForwardRequest = components['schemas']['WalkForwardRequest']
export type WalkForwardDetail = components['schemas']['WalkForwardDetail']
export type FoldOut = components['schemas']['FoldOut']

export function startWalkForward(api: ApiClient, body: WalkForwardRequest): Promise<WalkForwardDetail> {
  return unwrap(api.POST('/api/backtests/walk-forwards', { body }))
}

/** A walk-forward with its result fields present (the API leaves them out while it runs). */
export type WalkForwardResult = Required<WalkForwardDetail>

export async function fetchWalkForward(api: ApiClient, runId: string): Promise<WalkForwardResult> {
  const detail = await unwrap(api.GET('/api/backtests/walk-forwards/{run_id}', { params: { path: { run_id: runId } } }))
  return { error: null, strategy: null, spec: {}, params: {}, folds: [], equity: [], metrics: {}, ...detail }
}

/** Cancel a queued or running walk-forward: it stops after the backtests already running. */
export function cancelWalkForward(api: ApiClient, runId: string): Promise<WalkForwardDetail> {
  return unwrap(api.DELETE('/api/backtests/walk-forwards/{run_id}', { params: { path: { run_id: runId } } }))
}
