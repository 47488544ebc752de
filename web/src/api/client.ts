/**
 * The typed API client: openapi-fetch over the `paths` that openapi-typescript generates from
 * web/openapi.json (`npm run generate:api`), so a call that the backend does not serve fails to compile.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'

export type ApiClient = Client<paths>
export type ErrorResponse = components['schemas']['ErrorResponse']

export const API_KEY_HEADER = 'X-API-Key'

export interface ApiClientOptions {
  baseUrl: string
  /** The key to send, read on every request so a new sign-in takes effect at once. */
  apiKey: () => string | null
  /** Called when the API answers 401: the key is missing or wrong. */
  onUnauthorized: () => void
  fetch?: typeof globalThis.fetch
}

function authMiddleware(options: ApiClientOptions): Middleware {
  return {
    onRequest({ request }) {
      const key = options.apiKey()
      if (key) request.headers.set(API_KEY_HEADER, key)
      return request
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized()
      return response
    },
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  client.use(authMiddleware(options))
  return client
}

/** A failed API call, with a message fit to show a person. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null = null,
    /** The error's structured `details`, when the API gives any. */
    readonly details: unknown = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  const error = (body as { error?: { message?: unknown } } | null)?.error
  return typeof error?.message === 'string'
}

function errorFor(body: unknown, response: Response): ApiError {
  if (isErrorResponse(body)) return new ApiError(body.error.message, response.status, body.error.code, body.error.details)
  if (response.status >= 502 && response.status <= 504)
    return new ApiError(`The API is not reachable (HTTP ${response.status}).`, response.status)
  return new ApiError(`The API answered HTTP ${response.status}.`, response.status)
}

/** Await an openapi-fetch call and return its data, or throw an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch {
    throw new ApiError('The API is not reachable.', null)
  }
  if (result.error !== undefined || !result.response.ok) throw errorFor(result.error, result.response)
  return result.data as T
}
