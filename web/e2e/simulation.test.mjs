// The simulation page against a real backend (sample store, `tetra serve`): a Monte Carlo of the
// SMA crossover draws its fan chart and histogram from the API's stored numbers, and a stress
// test of a portfolio lists every scenario with its method; at desktop and phone widths.
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

async function open(viewport, colorScheme) {
  const page = await stack.open(viewport, '/simulation', colorScheme)
  await page.getByTestId('simulation-form').waitFor()
  return page
}

async function fitsTheScreen(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`)
}

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`simulation on ${viewport} (${scheme})`, () => {
    it('runs a Monte Carlo and draws the stored bands and outcomes', async () => {
      const page = await open(viewport, scheme)
      await page.getByLabel('Parameters').fill('fast=5, slow=20')
      await page.getByLabel('Paths').fill('16')
      await page.getByLabel('Bars').fill('120')
      await page.getByRole('button', { name: 'Run Monte Carlo' }).click()
      await page.getByTestId('montecarlo-result').waitFor({ timeout: 60_000 })
      await page.getByTestId('fan-chart').waitFor()

      const runs = await backend.get('/api/simulation/runs')
      const detail = await backend.get(`/api/simulation/runs/${runs.items[0].run_id}`)
      assert.equal(detail.bands.length, 121)
      assert.ok(detail.bands.at(-1).p95 > detail.bands.at(-1).p5, 'the paths fan out')
      const median = await page.getByTestId('band-median').getAttribute('d')
      assert.equal(median.split('L').length, 121, 'one median point per stored band')
      const loss = detail.probability_of_loss
      assert.equal(await page.getByTestId('probability-of-loss').textContent(), `${(loss * 100).toFixed(1)}%`)
      const bins = detail.histograms.find((h) => h.metric === 'total_return').counts.length
      assert.equal(await page.getByTestId('histogram-bar').count(), bins)
      await fitsTheScreen(page)
      await screenshot(page, `${viewport}-${scheme}-simulation-montecarlo`)
      await page.context().close()
    })

    it('stress-tests a portfolio over every scenario, replay where the store holds the window', async () => {
      const page = await open(viewport, scheme)
      await page.getByRole('radio', { name: 'Stress test' }).click()
      await page.getByLabel('Portfolio').check()
      await page.getByTestId('portfolio-input').fill('SPY=0.6, TLT=0.4')
      await page.getByRole('button', { name: 'Run stress test' }).click()
      await page.getByTestId('stress-result').waitFor({ timeout: 60_000 })

      const scenarios = await backend.get('/api/simulation/scenarios')
      assert.equal(await page.getByTestId('scenario-row').count(), scenarios.length)
      // the e2e store holds two years (2024-2025): every shipped window is older, so factor
      assert.equal(await page.locator('[data-method="factor"]').count(), scenarios.length)
      await page.getByTestId('scenario-row').first().click()
      assert.equal(await page.getByTestId('holding-row').count(), 2)
      await fitsTheScreen(page)
      await screenshot(page, `${viewport}-${scheme}-simulation-stress`)
      await page.context().close()
    })
  })
}
