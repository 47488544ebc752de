import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type StrategyInfo = components['schemas']['StrategyInfo']
export type RunRequest = components['schemas']['RunRequest']
export type RunAccepted = components['schemas']['RunAccepted']
export type RunDetail = components['schemas']['RunDetail']
export type RunSummary = components['schemas']['RunSummary']
export type CompareResponse = components['schemas']['CompareResponse']
export type MonthlyReturns = components['schemas']['MonthlyReturns']
export type TradeOut = components['schemas']['TradeOut']
export type SweepRequest = components['schemas']['SweepRequest']
export type SweepDetail = components['schemas']['SweepDetail']

export function fetchStrategies(api: ApiClient): Promise<StrategyInfo[]> {
  return unwrap(api.GET('/api/backtests/strategies'))
}

export function startRun(api: ApiClient, body: RunRequest): Promise<RunAccepted> {
  return unwrap(api.POST('/api/backtests/runs', { body }))
}

/** A run's detail with its result lists present (the API leaves them out while it runs). */
export type RunResult = RunDetail & Required<Pick<RunDetail, 'equity' | 'drawdown' | 'monthly_returns' | 'trades' | 'trades_total' | 'warnings'>>

export async function fetchRun(api: ApiClient, runId: string): Promise<RunResult> {
  const detail = await unwrap(api.GET('/api/backtests/runs/{run_id}', { params: { path: { run_id: runId } } }))
  return { equity: [], drawdown: [], monthly_returns: [], trades: [], warnings: [], ...detail }
}

export interface RunFilter {
  strategy?: string
  symbol?: string
}

export async function fetchRuns(api: ApiClient, filter: RunFilter = {}, limit = 100): Promise<RunSummary[]> {
  const query = { limit, ...(filter.strategy ? { strategy: filter.strategy } : {}), ...(filter.symbol ? { symbol: filter.symbol } : {}) }
  const page = await unwrap(api.GET('/api/backtests/runs', { params: { query } }))
  return page.items
}

export async function deleteRun(api: ApiClient, runId: string): Promise<void> {
  await unwrap(api.DELETE('/api/backtests/runs/{run_id}', { params: { path: { run_id: runId } }, parseAs: 'text' }))
}

/** Every trade of a run as the API's CSV file. */
export function fetchTradesCsv(api: ApiClient, runId: string): Promise<Blob> {
  return unwrap(api.GET('/api/backtests/runs/{run_id}/trades.csv', { params: { path: { run_id: runId } }, parseAs: 'blob' }))
}

export function fetchComparison(api: ApiClient, runIds: string[]): Promise<CompareResponse> {
  return unwrap(api.GET('/api/backtests/compare', { params: { query: { run_id: runIds } } }))
}

export function startSweep(api: ApiClient, body: SweepRequest): Promise<SweepDetail> {
  return unwrap(api.POST('/api/backtests/sweeps', { body }))
}

/** Cancel a queued or running sweep: the backtests not yet started are dropped. */
export function cancelSweep(api: ApiClient, sweepId: string): Promise<SweepDetail> {
  return unwrap(api.DELETE('/api/backtests/sweeps/{sweep_id}', { params: { path: { sweep_id: sweepId } } }))
}

export function fetchSweep(api: ApiClient, sweepId: string): Promise<SweepDetail> {
  return unwrap(api.GET('/api/backtests/sweeps/{sweep_id}', { params: { path: { sweep_id: sweepId } } }))
}
