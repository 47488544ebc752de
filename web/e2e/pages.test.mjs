// The three pages against a real backend (sample store, `tetra serve`), at desktop and phone
// widths: the monitor shows the API's numbers and goes live, a symbol draws its chart, and a
// backtest run from the form draws its equity curve; then two runs are compared and a parameter sweep drawn.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startBackend } from './backend.mjs'
import { freePort, launchBrowser, newPage, screenshot, startPreview } from './harness.mjs'

let backend
let preview
let browser

before(async () => {
  const apiPort = await freePort()
  // The store loads while the app builds: neither needs the other until the pages open.
  ;[backend, preview] = await Promise.all([startBackend({ port: apiPort }), startPreview({ apiUrl: `http://127.0.0.1:${apiPort}` })])
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await preview?.stop()
  await backend?.stop()
})

async function open(viewport, path, colorScheme = 'light') {
  const page = await newPage(browser, viewport, { baseURL: preview.url, storage: { 'tetra.apiKey': backend.key }, colorScheme })
  await page.goto(path)
  return page
}

const en = (n) => n.toLocaleString('en-US')

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`pages on ${viewport} (${scheme})`, () => {
    it('shows the coverage the API reports, live, and drills into a symbol', async () => {
      const coverage = await backend.get('/api/monitor/coverage')
      const market = coverage.topics.filter((topic) => topic.topic === 'market_data')
      const records = market.reduce((sum, topic) => sum + topic.records, 0)
      const symbols = market.reduce((sum, topic) => sum + topic.entities, 0)
      assert.ok(records > 0 && symbols > 0, 'the sample store has market data')
      const page = await open(viewport, '/monitor', scheme)

      const card = page.getByTestId('coverage-card-market_data')
      await card.waitFor()
      assert.equal(await card.getByTestId('records').textContent(), en(records))
      assert.equal(await card.getByTestId('entities').textContent(), en(symbols))
      assert.match(await page.getByTestId('sample-banner').textContent(), /SAMPLE DATA \(synthetic\)/)
      await page.locator('[data-testid="live-indicator"][data-status="open"]').waitFor()
      assert.equal(await page.getByTestId('coverage-row').count(), Math.min(coverage.symbols.length, 50))
      await screenshot(page, `${viewport}-${scheme}-monitor-live`)

      await page.getByTestId('coverage-filter').fill('SPY')
      assert.equal(await page.getByTestId('coverage-row').count(), coverage.symbols.filter((s) => s.symbol.includes('SPY')).length)
      // the bars' row (a row for SPY's news follows it)
      await page.getByTestId('coverage-row').getByRole('link', { name: 'SPY', exact: true }).first().click()
      await page.waitForURL('**/symbols/SPY')
      await page.getByTestId('candle-chart').locator('canvas').first().waitFor()
      await page.getByRole('button', { name: 'RSI 14' }).click()
      await page.getByTestId('chart-legend').locator('[data-label="rsi_14"]').waitFor()
      // The sample store may or may not hold news for SPY: the page shows what the API holds.
      const news = await backend.get('/api/market/news?symbol=SPY&limit=50')
      if (news.items.length === 0) await page.getByText('No news stored for SPY.').waitFor()
      else await page.getByTestId('news-list').getByText(news.items[0].title).first().waitFor()
      assert.equal(await page.getByTestId('page-title').textContent(), 'SPY')
      await screenshot(page, `${viewport}-${scheme}-symbol-spy`)
      await page.context().close()
    })

    it('runs a backtest from the form and draws its equity curve', async () => {
      const page = await open(viewport, '/strategies', scheme)

      await page.getByTestId('strategy-form').waitFor()
      assert.equal(await page.getByLabel('Symbols').inputValue(), 'SPY, QQQ, TLT')
      await page.getByLabel('Fast').fill('10')
      await page.getByRole('button', { name: 'Run backtest' }).click()

      await page.getByTestId('equity-chart').locator('canvas').first().waitFor({ timeout: 20_000 })
      await page.getByTestId('drawdown-chart').locator('canvas').first().waitFor()
      await page.getByTestId('monthly-heatmap').waitFor()
      assert.match(await page.getByTestId('metrics-table').textContent(), /Sharpe/)
      assert.ok((await page.getByTestId('trades-table').locator('tbody tr').count()) > 0)
      // the run's entry in the list (the strategy filter's <option> carries the name too)
      await page.getByTestId('runs-list').locator('li').getByText('sma_crossover').first().waitFor()
      await screenshot(page, `${viewport}-${scheme}-strategies-run`)
      await page.context().close()
    })
  })
}

describe('comparing runs', () => {
  it('shows the selected runs side by side with normalised equity', async () => {
    const page = await open('desktop', '/strategies')

    const boxes = page.getByTestId('runs-list').getByRole('checkbox')
    await boxes.first().waitFor()
    assert.ok((await boxes.count()) >= 2, 'the two earlier tests stored two runs')
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await page.getByTestId('compare-button').click()

    await page.getByTestId('compare-chart').locator('canvas').first().waitFor()
    assert.match(await page.getByTestId('compare-view').textContent(), /Total return/)

    await page.getByRole('button', { name: 'Run sweep' }).click()
    const heatmap = page.getByTestId('sweep-heatmap')
    await heatmap.waitFor({ timeout: 30_000 })
    assert.equal(await heatmap.locator('tbody tr').count(), 4, 'one row per suggested value of Slow')
    await screenshot(page, 'desktop-light-strategies-compare')
    await page.context().close()
  })
})
