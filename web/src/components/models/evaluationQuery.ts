/**
 * An evaluation's place in the Models page's URL: `?evaluation=<id>` and, beside it, the settings
 * it was asked with, named as the request's fields (`model`, `version`, `path_model`, `paths`,
 * `seed`, `states` for regimes, `policy=default` under the default risk policy). The server's
 * answer omits the seed, the regimes and the policy, and a 404 (it keeps the last 50 finished
 * evaluations, in memory) omits everything, so the URL is what lets a reload say how it was
 * asked and ask it again. `evaluationToQuery` writes them; `evaluationFromQuery` reads them back,
 * leaving out what is missing or invalid.
 */
import type { PathModel } from '@/api/ml'

/** The form's settings of one evaluation; the policy's contents are not kept, only its use. */
export interface EvaluationSettings {
  model: string
  version: number | null
  path_model: PathModel
  paths: number
  seed: number
  states: number
  policy: boolean
}

const PATH_MODELS: readonly PathModel[] = ['bootstrap', 'gbm', 'merton', 'garch', 'regime']
/** Every key this module writes: a new evaluation replaces all of them, other keys stay. */
export const EVALUATION_KEYS = ['evaluation', 'model', 'version', 'path_model', 'paths', 'seed', 'states', 'policy'] as const

type QueryValue = string | null | (string | null)[] | undefined
export type RouteQuery = Record<string, QueryValue>

function one(value: QueryValue): string | null {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' && first !== '' ? first : null
}

function whole(value: QueryValue): number | null {
  const text = one(value)
  return text !== null && /^\d{1,10}$/.test(text) ? Number(text) : null
}

/** The query of evaluation `id` asked with `settings`, on top of `query`'s other keys. */
export function evaluationToQuery(query: RouteQuery, id: string, settings: EvaluationSettings): RouteQuery {
  const kept = Object.fromEntries(Object.entries(query).filter(([key]) => !(EVALUATION_KEYS as readonly string[]).includes(key)))
  return {
    ...kept,
    evaluation: id,
    model: settings.model,
    ...(settings.version !== null ? { version: String(settings.version) } : {}),
    path_model: settings.path_model,
    paths: String(settings.paths),
    seed: String(settings.seed),
    ...(settings.path_model === 'regime' ? { states: String(settings.states) } : {}),
    ...(settings.policy ? { policy: 'default' } : {}),
  }
}

/** The evaluation a query names, with the settings it keeps; null without an id. */
export function evaluationFromQuery(query: RouteQuery): { id: string; settings: Partial<EvaluationSettings> } | null {
  const id = one(query.evaluation)
  if (id === null) return null
  const settings: Partial<EvaluationSettings> = {}
  const model = one(query.model)
  if (model !== null) settings.model = model
  const version = whole(query.version)
  if (version !== null) settings.version = version
  const pathModel = one(query.path_model)
  if (PATH_MODELS.includes(pathModel as PathModel)) settings.path_model = pathModel as PathModel
  const paths = whole(query.paths)
  if (paths !== null) settings.paths = paths
  const seed = whole(query.seed)
  if (seed !== null) settings.seed = seed
  const states = whole(query.states)
  if (states !== null) settings.states = states
  // `policy` is written only when used, so its absence says "none" only beside the rest.
  if (model !== null) settings.policy = one(query.policy) === 'default'
  return { id, settings }
}
