// The Models page against a real backend: a sample store, a small model trained, tracked in
// MLflow (SQLite) and its predictions written by the CLI, then `tetra serve`. At desktop and
// phone widths the page shows the run beside the baseline with the API's numbers, the IC chart,
// feature importance and today's predictions ranked, and promotes the version for a book. An
// evaluation on simulated paths keeps its URL: reloaded, the page shows the same result.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

const SYMBOLS = 'SPY,QQQ,IWM,TLT,GLD,AAPL,MSFT,NVDA'
const TRAIN = [
  'ml', 'train', '--name', 'e2e-model', '--model', 'linear', '--sets', 'price_volume,cross_section',
  '--validation', 'walk_forward', '--train-days', '200', '--test-days', '60', '--symbols', SYMBOLS,
  '--top-k', '3',
]
const PREDICT = ['ml', 'predict', 'e2e-model']

let stack

before(async () => {
  stack = await startStack({ prepare: [TRAIN, PREDICT] })
})

after(async () => {
  await stack?.stop()
})

for (const viewport of ['desktop', 'phone']) {
  describe(`models on ${viewport}`, () => {
    it('shows the tracked run beside the baseline, its predictions, and promotes it', async () => {
      const { backend } = stack
      const [run] = await backend.get('/api/ml/runs')
      const detail = await backend.get(`/api/ml/runs/${run.run_id}`)
      const today = await backend.get('/api/ml/predictions?model=e2e-model')
      const page = await stack.open(viewport, '/models')

      const report = page.getByTestId('run-report')
      await report.waitFor()
      const ic = await page.getByTestId('model-IC (mean per day)').textContent()
      assert.equal(ic.trim(), detail.summary.ic.toFixed(4))
      await page.getByTestId('ic-chart').locator('canvas').first().waitFor()
      assert.equal(await page.getByTestId('importance').locator('li').count(), Math.min(12, detail.importance.length))
      const shown = await page.getByTestId('prediction-symbol').allTextContents()
      assert.deepEqual(shown, today.predictions.map((row) => row.symbol))
      await screenshot(page, `${viewport}-models`)

      const book = `book-${viewport}`
      await page.getByTestId('book-input').fill(book)
      await page.getByTestId('models').getByRole('button', { name: 'Promote' }).first().click()
      await page.getByTestId('promote-message').filter({ hasText: `in production for ${book}` }).waitFor()
      const models = await backend.get('/api/ml/models')
      assert.ok(models[0].versions[0].books.includes(book))
      await page.close()
    })
  })
}

describe('an evaluation in the URL', () => {
  it('runs an evaluation and shows the same result when its URL is reloaded', async () => {
    const page = await stack.open('desktop', '/models')
    const form = page.getByTestId('evaluation-form')
    await form.waitFor()
    await page.locator('#eval-paths').fill('5')
    await page.locator('#eval-seed').fill('3')
    await form.getByRole('button', { name: 'Evaluate' }).click()
    const result = page.getByTestId('eval-result')
    await result.waitFor({ timeout: 120_000 })
    const shown = await result.textContent()
    const url = new URL(page.url())
    const id = url.searchParams.get('evaluation')
    assert.match(id ?? '', /^mle-/)
    assert.equal(url.searchParams.get('seed'), '3')
    const kept = await stack.backend.get(`/api/ml/evaluations/${id}`)
    assert.equal(kept.status, 'done')
    assert.ok(shown.includes(`seed 3`), shown)

    await page.reload()
    await result.waitFor()
    assert.equal(new URL(page.url()).searchParams.get('evaluation'), id)
    assert.equal(await result.textContent(), shown)
    assert.equal(await page.locator('#eval-paths').inputValue(), '5')
    assert.equal(await page.locator('#eval-seed').inputValue(), '3')
    await screenshot(page, 'desktop-models-evaluation-reloaded')
    await page.close()
  })
})
