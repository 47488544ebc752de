import type { ApiClient } from './client'

export { ApiError, createApiClient, unwrap, type ApiClient } from './client'

let installed: ApiClient | null = null

/** Make `client` the one that pages get from useApi(); main.ts does this once at start. */
export function installApi(client: ApiClient): void {
  installed = client
}

export function useApi(): ApiClient {
  if (installed === null) throw new Error('installApi() has not been called')
  return installed
}
