import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type MlRunSummary = components['schemas']['RunSummaryOut']
export type MlRunDetail = components['schemas']['RunDetailOut']
export type RegisteredModel = components['schemas']['RegisteredModelOut']
export type Predictions = components['schemas']['PredictionsOut']
export type FeatureSetInfo = components['schemas']['FeatureSetOut']

export function fetchMlRuns(api: ApiClient, limit = 100): Promise<MlRunSummary[]> {
  return unwrap(api.GET('/api/ml/runs', { params: { query: { limit } } }))
}

export function fetchMlRun(api: ApiClient, runId: string): Promise<MlRunDetail> {
  return unwrap(api.GET('/api/ml/runs/{run_id}', { params: { path: { run_id: runId } } }))
}

export function fetchModels(api: ApiClient): Promise<RegisteredModel[]> {
  return unwrap(api.GET('/api/ml/models'))
}

export function fetchPredictions(api: ApiClient, model: string, version?: number): Promise<Predictions> {
  return unwrap(api.GET('/api/ml/predictions', { params: { query: { model, version } } }))
}

export function promoteVersion(api: ApiClient, name: string, version: number, book: string): Promise<RegisteredModel> {
  return unwrap(
    api.POST('/api/ml/models/{name}/versions/{version}/promote', {
      params: { path: { name, version } },
      body: { book },
    }),
  )
}

export type EvaluationRequest = components['schemas']['EvaluationRequest']
export type Evaluation = components['schemas']['EvaluationOut']
export type PathModel = EvaluationRequest['path_model']

/** Start scoring a registered version (on simulated paths, under a policy): a job to follow. */
export function startEvaluation(api: ApiClient, body: EvaluationRequest): Promise<Evaluation> {
  return unwrap(api.POST('/api/ml/evaluations', { body }))
}

export function fetchEvaluation(api: ApiClient, evaluationId: string): Promise<Evaluation> {
  return unwrap(api.GET('/api/ml/evaluations/{evaluation_id}', { params: { path: { evaluation_id: evaluationId } } }))
}
