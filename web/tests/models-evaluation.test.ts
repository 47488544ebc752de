// Evaluating a registered version on simulated paths from the Models page, against an API mocked
// at the fetch level: the request it posts, the percentile table of the finished job, a 422 at
// its field, a cancel through the job queue, and its URL (`?evaluation=<id>` with its settings):
// set on start, reopened on load, and a 404 told as an evaluation the server no longer keeps.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { installApi } from '@/api'
import { createApiClient } from '@/api/client'
import type { Evaluation, MlRunDetail, MlRunSummary, RegisteredModel } from '@/api/ml'
import { evaluationFromQuery } from '@/components/models/evaluationQuery'
import ModelsPage from '@/pages/ModelsPage.vue'
import { routes } from '@/router'

const models: RegisteredModel[] = [
  { name: 'demo-ridge', versions: [{ version: 2, run_id: 'r1', books: [] }, { version: 3, run_id: 'r2', books: [] }] },
]

const finished: Evaluation = {
  evaluation_id: 'e1',
  status: 'done',
  progress: 1,
  model: 'demo-ridge',
  version: 2,
  interventions_total: 0,
  robustness: {
    path_model: 'garch',
    calibrated_from: '2022-01-03',
    calibrated_to: '2024-12-31',
    ic: [0.01, 0.02, -0.01],
    sharpe: [0.5, 1.1, -0.2],
    missing_sets: [],
    summary: {
      paths: 50, ic_mean: 0.012,
      ic_p5: -0.0213, ic_p25: 0.0031, ic_p50: 0.0142, ic_p75: 0.0255, ic_p95: 0.0401, ic_share_positive: 0.72,
      sharpe_p5: -0.41, sharpe_p25: 0.12, sharpe_p50: 0.63, sharpe_p75: 1.05, sharpe_p95: 1.74, sharpe_share_positive: 0.8,
    },
  },
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

interface Mocked {
  posted: unknown[]
  seen: string[]
}

/**
 * The API; `evaluation` answers e1's GET (any other id is a 404), `refuse` a 422 to the POST,
 * `answers` more GET routes (or other bodies for the ones here) by method and path.
 */
function mockApi(evaluation: () => Evaluation, refuse?: unknown[], answers: Record<string, unknown> = {}): Mocked {
  const mocked: Mocked = { posted: [], seen: [] }
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const route = `${request.method} ${new URL(request.url).pathname}`
    mocked.seen.push(route)
    if (route in answers) return json(200, answers[route])
    if (route === 'GET /api/ml/runs') return json(200, [])
    if (route === 'GET /api/ml/models') return json(200, models)
    if (route === 'GET /api/risk/policy') return json(200, { policy: { max_drawdown: 0.2 }, limits: ['max_drawdown'] })
    if (route === 'POST /api/ml/evaluations') {
      mocked.posted.push(await request.clone().json())
      if (refuse) return json(422, { error: { code: 'invalid_request', message: 'The request is not valid.', details: refuse } })
      return json(202, { evaluation_id: 'e1', status: 'queued', progress: 0, interventions_total: 0 })
    }
    if (route === 'GET /api/ml/evaluations/e1') return json(200, evaluation())
    if (route === 'DELETE /api/jobs/e1') return json(200, { job_id: 'e1', kind: 'ml_evaluation', status: 'cancelled', progress: 0.4 })
    return json(404, { error: { code: 'not_found', message: route } })
  })
  installApi(createApiClient({ baseUrl: 'http://tetra.test', apiKey: () => 'secret', onUnauthorized: vi.fn(), fetch }))
  return mocked
}

let router: Router

/** The page at `url`; an opened run's report is stubbed (its charts are models-page.test.ts's). */
async function mountPage(url = '/models') {
  router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(url)
  const wrapper = mount(ModelsPage, { attachTo: document.body, global: { plugins: [router], stubs: { RunReport: true } } })
  await flushPromises()
  return wrapper
}

const cells = (wrapper: Awaited<ReturnType<typeof mountPage>>, label: string) =>
  wrapper.findAll(`[data-testid="eval-row-${label}"] td`).map((cell) => cell.text())

/** Version 2, GARCH paths, 50 of them, seed 7, the default policy on. */
async function chooseSettings(wrapper: VueWrapper): Promise<void> {
  await wrapper.get('#eval-version').setValue('2')
  await wrapper.get('#eval-path-model').setValue('garch')
  await wrapper.get('#eval-paths').setValue('50')
  await wrapper.get('#eval-seed').setValue('7')
  await wrapper.get('[data-testid="eval-policy"]').setValue(true)
}

describe('ModelsPage evaluation on simulated paths', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('posts the chosen version, path model, paths, seed and policy, then shows the percentiles', async () => {
    const mocked = mockApi(() => finished)
    const wrapper = await mountPage()

    await chooseSettings(wrapper)
    await wrapper.get('[data-testid="evaluation-form"]').trigger('submit')
    await flushPromises()

    expect(mocked.posted).toEqual([
      { model: 'demo-ridge', path_model: 'garch', paths: 50, seed: 7, states: 2, version: 2, risk_policy: { max_drawdown: 0.2 } },
    ])
    const used = wrapper.get('[data-testid="eval-used"]').text()
    expect(used).toContain('demo-ridge v2')
    expect(used).toContain('GARCH')
    expect(used).toContain('50 paths')
    expect(used).toContain('seed 7')
    expect(cells(wrapper, 'p5')).toEqual(['p5', '-0.0213', '-0.41'])
    expect(cells(wrapper, 'p50')).toEqual(['p50', '0.0142', '0.63'])
    expect(cells(wrapper, 'p95')).toEqual(['p95', '0.0401', '1.74'])
    expect(cells(wrapper, 'Share above 0')).toEqual(['Share above 0', '72%', '80%'])
    wrapper.unmount()
  })

  it('sends the regimes only for the regime model and shows a 422 at its field', async () => {
    const mocked = mockApi(() => finished, [{ loc: ['body', 'states'], msg: 'Input should be less than or equal to 3' }])
    const wrapper = await mountPage()

    await wrapper.get('#eval-path-model').setValue('regime')
    await wrapper.get('#eval-states').setValue('3')
    await wrapper.get('[data-testid="evaluation-form"]').trigger('submit')
    await flushPromises()

    expect(mocked.posted).toEqual([{ model: 'demo-ridge', path_model: 'regime', paths: 200, seed: 0, states: 3 }])
    expect(wrapper.get('[data-testid="eval-error-states"]').text()).toBe('Input should be less than or equal to 3')
    expect(wrapper.find('[data-testid="eval-result"]').exists()).toBe(false)

    await wrapper.get('#eval-states').setValue('2')
    expect(wrapper.find('[data-testid="eval-error-states"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('keeps paths within the bounds the API takes before posting', async () => {
    const mocked = mockApi(() => finished)
    const wrapper = await mountPage()

    await wrapper.get('#eval-paths').setValue('5000')
    await wrapper.get('[data-testid="evaluation-form"]').trigger('submit')
    await flushPromises()

    expect(mocked.posted).toEqual([])
    expect(wrapper.get('[data-testid="eval-error-paths"]').text()).toContain('1 to 1000')
    wrapper.unmount()
  })

  it('shows the progress of a running evaluation and cancels it through the job queue', async () => {
    let status: Evaluation['status'] = 'running'
    const mocked = mockApi(() => ({ evaluation_id: 'e1', status, progress: 0.4, interventions_total: 0 }))
    const wrapper = await mountPage()

    await wrapper.get('[data-testid="evaluation-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="eval-progress"]').text()).toContain('40%')

    status = 'cancelled'
    await wrapper.get('[data-testid="eval-cancel"]').trigger('click')
    await flushPromises()
    expect(mocked.seen).toContain('DELETE /api/jobs/e1')
    expect(wrapper.find('[data-testid="eval-progress"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Evaluation cancelled.')
    wrapper.unmount()
  })

  it('puts the started evaluation and its settings in the URL, keeping the page\'s other keys', async () => {
    mockApi(() => finished)
    const wrapper = await mountPage('/models?evaluation=e0&states=3&tab=kept')
    await chooseSettings(wrapper)

    await wrapper.get('[data-testid="evaluation-form"]').trigger('submit')
    await flushPromises()

    expect(router.currentRoute.value.query).toEqual({
      tab: 'kept', evaluation: 'e1', model: 'demo-ridge', version: '2', path_model: 'garch', paths: '50', seed: '7', policy: 'default',
    })
    expect(wrapper.find('[data-testid="eval-result"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('opens the evaluation its URL names: the form takes its settings and the result is shown', async () => {
    const mocked = mockApi(() => finished)
    const wrapper = await mountPage('/models?evaluation=e1&model=demo-ridge&version=2&path_model=garch&paths=50&seed=7&policy=default')
    await flushPromises()

    expect(mocked.posted).toEqual([])
    expect(mocked.seen).toContain('GET /api/ml/evaluations/e1')
    expect(cells(wrapper, 'p50')).toEqual(['p50', '0.0142', '0.63'])
    const used = wrapper.get('[data-testid="eval-used"]').text()
    expect(used).toContain('demo-ridge v2')
    expect(used).toContain('50 paths')
    expect(used).toContain('seed 7')
    expect(used).toContain('default risk policy')
    expect((wrapper.get('#eval-version').element as HTMLSelectElement).value).toBe('2')
    expect((wrapper.get('#eval-path-model').element as HTMLSelectElement).value).toBe('garch')
    expect((wrapper.get('#eval-seed').element as HTMLInputElement).value).toBe('7')
    expect((wrapper.get('[data-testid="eval-policy"]').element as HTMLInputElement).checked).toBe(true)
    wrapper.unmount()
  })

  it('shows the progress of an evaluation its URL names while it runs', async () => {
    mockApi(() => ({ evaluation_id: 'e1', status: 'running', progress: 0.4, interventions_total: 0 }))
    const wrapper = await mountPage('/models?evaluation=e1')

    expect(wrapper.get('[data-testid="eval-progress"]').text()).toContain('40%')
    expect(wrapper.find('[data-testid="eval-result"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('takes the URL\'s model and version over the first model and the newest run the page opens', async () => {
    const twoModels: RegisteredModel[] = [{ name: 'other-gbm', versions: [{ version: 1, run_id: 'r9', books: [] }] }, ...models]
    const newest: MlRunSummary = { run_id: 'r9', name: 'other-gbm', model: 'lightgbm', label: 'excess_return', started_at: '2026-01-02T06:00:00Z', metrics: { ic: 0.01 } }
    const opened = { run_id: 'r9', name: 'other-gbm', started_at: '2026-01-02T06:00:00Z', spec: { name: 'other-gbm' } } as unknown as MlRunDetail
    mockApi(() => finished, undefined, { 'GET /api/ml/models': twoModels, 'GET /api/ml/runs': [newest], 'GET /api/ml/runs/r9': opened })
    const wrapper = await mountPage('/models?evaluation=e1&model=demo-ridge&version=2&path_model=garch&paths=50&seed=7')
    await flushPromises()

    expect((wrapper.get('#eval-model').element as HTMLSelectElement).value).toBe('demo-ridge')
    expect((wrapper.get('#eval-version').element as HTMLSelectElement).value).toBe('2')
    wrapper.unmount()
  })

  it('says the server no longer keeps an evaluation it answers 404 for, and runs it again with the URL\'s settings', async () => {
    const mocked = mockApi(() => finished)
    const wrapper = await mountPage('/models?evaluation=mle-old&model=demo-ridge&path_model=regime&paths=30&seed=9&states=3')

    const gone = wrapper.get('[data-testid="eval-gone"]').text()
    expect(gone).toContain('no longer keeps evaluation mle-old')
    expect(gone).toContain('last 50 finished evaluations in memory')
    expect(wrapper.text()).not.toContain('The evaluation failed')
    expect(wrapper.find('[data-testid="eval-result"]').exists()).toBe(false)

    await wrapper.get('[data-testid="eval-rerun"]').trigger('click')
    await flushPromises()

    expect(mocked.posted).toEqual([{ model: 'demo-ridge', path_model: 'regime', paths: 30, seed: 9, states: 3 }])
    expect(router.currentRoute.value.query.evaluation).toBe('e1')
    expect(wrapper.find('[data-testid="eval-gone"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="eval-result"]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('an evaluation in the URL', () => {
  it('reads back the settings it keeps and leaves out the invalid ones', () => {
    const read = evaluationFromQuery({ evaluation: 'e1', model: 'demo-ridge', path_model: 'brownian', paths: '-3', seed: '7', version: 'v2' })
    expect(read).toEqual({ id: 'e1', settings: { model: 'demo-ridge', seed: 7, policy: false } })
    expect(evaluationFromQuery({ model: 'demo-ridge' })).toBeNull()
  })
})
