import { describe, expect, it, vi } from 'vitest'
import { ApiError, createApiClient, unwrap } from '@/api/client'
import { fetchHealth } from '@/api/health'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function clientAnswering(response: () => Response | Promise<Response>, key: string | null = 'secret') {
  const fetch = vi.fn(async (_input: RequestInfo | URL) => response())
  const onUnauthorized = vi.fn()
  const api = createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => key, onUnauthorized, fetch })
  return { api, fetch, onUnauthorized }
}

describe('createApiClient', () => {
  it('sends the API key in X-API-Key under the base URL', async () => {
    const { api, fetch } = clientAnswering(() => json(200, { status: 'ok' }))

    await expect(fetchHealth(api)).resolves.toEqual({ status: 'ok' })

    const request = fetch.mock.calls[0]![0] as Request
    expect(request.url).toBe('http://tetra.test/healthz')
    expect(request.headers.get('X-API-Key')).toBe('secret')
  })

  it('sends no key header when signed out', async () => {
    const { api, fetch } = clientAnswering(() => json(200, { status: 'ok' }), null)

    await fetchHealth(api)

    expect((fetch.mock.calls[0]![0] as Request).headers.has('X-API-Key')).toBe(false)
  })

  it('reports a 401 and throws the server message', async () => {
    const refusal = { error: { code: 'unauthorized', message: 'missing or wrong X-API-Key' } }
    const { api, onUnauthorized } = clientAnswering(() => json(401, refusal))

    await expect(fetchHealth(api)).rejects.toEqual(new ApiError('missing or wrong X-API-Key', 401, 'unauthorized'))
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })
})

describe('unwrap', () => {
  it('says the API is not reachable when the proxy answers 502 or the network fails', async () => {
    const proxied = clientAnswering(() => new Response('', { status: 502 }))
    const offline = clientAnswering(() => Promise.reject(new TypeError('fetch failed')))

    await expect(fetchHealth(proxied.api)).rejects.toThrow('The API is not reachable (HTTP 502).')
    await expect(fetchHealth(offline.api)).rejects.toThrow('The API is not reachable.')
  })

  it('names the status of any other failure', async () => {
    const { api } = clientAnswering(() => new Response('boom', { status: 500 }))

    await expect(unwrap(api.GET('/healthz'))).rejects.toMatchObject({ status: 500, message: 'The API answered HTTP 500.' })
  })
})
