import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type SimulationRunRequest = components['schemas']['SimulationRunRequest']
export type SimulationAccepted = components['schemas']['SimulationAccepted']
export type SimulationDetail = components['schemas']['SimulationDetail']
export type SimulationSummary = components['schemas']['SimulationSummary']
export type ScenarioInfo = components['schemas']['ScenarioInfo']
export type ModelInfo = components['schemas']['ModelInfo']
export type BandPoint = components['schemas']['BandPoint']
export type Histogram = components['schemas']['Histogram']
export type ScenarioRow = components['schemas']['ScenarioRow']
export type Distribution = components['schemas']['Distribution']

export function fetchModels(api: ApiClient): Promise<ModelInfo[]> {
  return unwrap(api.GET('/api/simulation/models'))
}

export function fetchScenarios(api: ApiClient): Promise<ScenarioInfo[]> {
  return unwrap(api.GET('/api/simulation/scenarios'))
}

export function startSimulation(api: ApiClient, body: SimulationRunRequest): Promise<SimulationAccepted> {
  return unwrap(api.POST('/api/simulation/runs', { body }))
}

/** A run's detail with its result lists present (the API sends them empty while it runs). */
export type SimulationResult = SimulationDetail &
  Required<Pick<SimulationDetail, 'bands' | 'histograms' | 'distributions' | 'scenarios' | 'warnings'>>

export async function fetchSimulation(api: ApiClient, runId: string): Promise<SimulationResult> {
  const detail = await unwrap(api.GET('/api/simulation/runs/{run_id}', { params: { path: { run_id: runId } } }))
  return { bands: [], histograms: [], distributions: [], scenarios: [], warnings: [], ...detail }
}

export async function fetchSimulations(api: ApiClient, limit = 50): Promise<SimulationSummary[]> {
  const page = await unwrap(api.GET('/api/simulation/runs', { params: { query: { limit } } }))
  return page.items
}
