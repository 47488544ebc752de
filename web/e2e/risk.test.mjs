// The Risk page against a real backend (sample store, `tetra serve`), at desktop and phone
// widths: a book's report drawn with the API's numbers, the kill switch behind a confirmation,
// a backtest run under a risk policy with exits, its interventions listed with the results, and
// a sweep under the same policy whose cell opens a run the policy resized.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

let stack
let backend

before(async () => {
  stack = await startStack()
  backend = stack.backend
})

after(async () => {
  await stack?.stop()
})

const open = (...args) => stack.open(...args)

const post = (path, body) => backend.post(path, body)

const DEFAULT_BOOK = { SPY: 0.35, QQQ: 0.25, TLT: 0.2, GLD: 0.1, BTC: 0.05 }
const pct = (value, digits) => `${(value * 100).toFixed(digits)}%`

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`risk page on ${viewport} (${scheme})`, () => {
    it("draws the book's report with the API's numbers", async () => {
      const expected = await post('/api/risk/report', { holdings: DEFAULT_BOOK, confidence: 0.95, horizon: 1, equity: 1_000_000, lookback: 504 })
      assert.equal(expected.status, 200)
      const page = await open(viewport, '/risk', scheme)

      await page.getByTestId('risk-form').waitFor()
      await page.getByRole('button', { name: 'Measure risk' }).click()
      const table = page.getByTestId('var-table')
      await table.waitFor({ timeout: 20_000 })

      const rows = table.locator('tbody tr')
      // the three closed-form methods and the seeded Monte Carlo row, labelled as the API labels them
      const labels = expected.body.var.map((v) => v.label)
      assert.deepEqual(labels.slice(0, 3), ['historical', 'parametric (normal)', 'Cornish-Fisher'])
      assert.match(labels[3], /^Monte Carlo \(bootstrap, 1,000 paths, seed 0\)$/)
      assert.deepEqual(await rows.locator('th').allTextContents(), labels)
      assert.deepEqual(
        await rows.locator('td:nth-child(2)').allTextContents(),
        expected.body.var.map((v) => pct(v.var, 2)),
      )
      const scenarios = page.getByTestId('scenario-table').locator('tbody tr')
      assert.deepEqual(
        await scenarios.evaluateAll((trs) => trs.map((tr) => tr.dataset.scenario)),
        expected.body.scenarios.map((row) => row.scenario),
      )
      const n = expected.body.correlation.symbols.length
      assert.equal(await page.getByTestId('correlation-heatmap').locator('tbody td').count(), n * n)
      assert.equal(await page.getByTestId('limit-gauge').count(), expected.body.limits.length)
      assert.ok((await page.getByTestId('exposure-group').getByTestId('exposure-bar').count()) >= 2)
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(wide <= 1, `the page is ${wide}px wider than the screen`)
      await screenshot(page, `${viewport}-${scheme}-risk-report`)
      await page.context().close()
    })
  })
}

describe('kill switch from the risk page', () => {
  it('halts every book only after a reason and a confirmation, and releases it', async () => {
    const page = await open('desktop', '/risk')
    const global = page.getByTestId('kill-switch-global')
    await global.getByRole('button', { name: 'Kill switch' }).click()

    const dialog = page.getByTestId('kill-switch-confirm')
    await dialog.getByRole('button', { name: 'Confirm: halt' }).click()
    await dialog.getByText('Say why').waitFor()
    assert.equal((await backend.get('/api/risk/state?book=default')).state, 'active')

    await page.getByLabel('Reason').fill('e2e drill')
    await dialog.getByRole('button', { name: 'Confirm: halt' }).click()
    await page.locator('[data-testid="trading-state"][data-state="halted"]').waitFor()
    const state = await backend.get('/api/risk/state?book=default')
    assert.deepEqual([state.state, state.halted_by, state.reason], ['halted', '*', 'e2e drill'])
    await screenshot(page, 'desktop-light-risk-halted')

    await global.getByRole('button', { name: 'Release' }).click()
    await page.getByLabel('Reason').fill('drill over')
    await page.getByRole('button', { name: 'Confirm: release' }).click()
    await page.locator('[data-testid="trading-state"][data-state="active"]').waitFor()
    assert.equal((await backend.get('/api/risk/state?book=default')).state, 'active')
    await page.context().close()
  })
})

describe('risk policy and exits on the strategy form', () => {
  for (const viewport of ['desktop', 'phone']) {
    it(`runs under the policy and lists its interventions (${viewport})`, async () => {
      const page = await open(viewport, '/strategies')
      await page.getByTestId('strategy-form').waitFor()

      await page.getByTestId('exit-stop_loss').fill('3')
      await page.getByTestId('risk-policy-toggle').check()
      const policy = page.getByLabel('Risk policy (JSON)')
      await page.waitForFunction(() => document.querySelector('textarea')?.value.includes('max_drawdown'))
      await policy.fill('{"max_drawdown": 3}')
      await page.getByRole('button', { name: 'Run backtest' }).click()
      await page.getByText(/max_drawdown/).last().waitFor()

      await policy.fill('{"max_position_weight": 0.1}')
      await page.getByRole('button', { name: 'Run backtest' }).click()
      const panel = page.getByTestId('interventions-panel')
      await panel.waitFor({ timeout: 60_000 })
      await panel.getByTestId('intervention-row').first().waitFor()
      assert.match(await panel.innerText(), /resized to .* by the position_weight cap/)
      const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(width <= 1, `the page scrolls sideways by ${width}px`)
      await screenshot(page, `strategies-risk-interventions-${viewport}`)
      await page.context().close()
    })
  }
})

describe('a sweep under the form’s risk policy', () => {
  it('opens a cell whose run was resized by the same policy, with the cell’s number', async () => {
    const page = await open('desktop', '/strategies')
    await page.getByTestId('strategy-form').waitFor()
    await page.waitForLoadState('networkidle')
    await page.getByTestId('risk-policy-toggle').check()
    await page.waitForFunction(() => document.querySelector('textarea')?.value.includes('max_drawdown'))
    await page.getByLabel('Risk policy (JSON)').fill('{"max_position_weight": 0.1}')
    await page.getByTestId('sweep-under').getByText(/risk policy/).waitFor()

    await page.getByRole('button', { name: 'Run sweep' }).click()
    const cell = page.getByTestId('sweep-cell').first()
    await cell.waitFor({ timeout: 60_000 })
    const shown = (await cell.textContent()).trim()
    await cell.click()

    const panel = page.getByTestId('interventions-panel')
    await panel.getByTestId('intervention-row').first().waitFor({ timeout: 60_000 })
    assert.match(await panel.innerText(), /by the position_weight cap/)
    const runId = new URL(page.url()).searchParams.get('run')
    const detail = await backend.get(`/api/backtests/runs/${encodeURIComponent(runId)}`)
    assert.ok(detail.interventions_total > 0, 'the cell’s run was not under the policy')
    assert.equal(Number(shown), Number(detail.metrics.sharpe_ratio.toFixed(2)), `cell ${shown}`)
    await screenshot(page, 'strategies-sweep-under-policy-desktop')
    await page.context().close()
  })
})
