import { unwrap, type ApiClient } from './client'
import type { components } from './schema'

export type Health = components['schemas']['Health']

/** Ask the API whether it is up; throws ApiError when it is not reachable or refuses the key. */
export function fetchHealth(api: ApiClient): Promise<Health> {
  return unwrap(api.GET('/healthz'))
}
