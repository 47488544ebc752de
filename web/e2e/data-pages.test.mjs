// The pages for data and research that #17 added, against a real backend (sample store, `tetra
// serve`), at desktop and phone widths: Macro (series, vintages overlaid), Pipeline (runs with
// steps, the quarantine filtered by reason), the monitor judged against the sample's last day,
// walk-forward from the web with its URL, a sweep cell that opens its run, the page brought to a
// comparison, the chat's SQL folded on a phone, and no sideways scroll on any page.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

// Two records the pipeline would have quarantined, through the real quarantine module.
const QUARANTINE = `
import datetime as dt
from tetra.cli.common import opened_store
from tetra.data.quarantine import quarantine_rows
from tetra.data.sources import RawRecord
from tetra.data.store_kind import StoreKind
records = [
    RawRecord(reason="high below open and close", payload={"symbol": "SPY", "high": 1.0}, key="SPY/2025-12-01"),
    RawRecord(reason="negative volume", payload={"symbol": "QQQ", "volume": -5}, key="QQQ/2025-12-02"),
]
now = dt.datetime(2025, 12, 31, 22, tzinfo=dt.UTC)
with opened_store(StoreKind.SAMPLE) as store:
    store.upsert("ops.quarantine", quarantine_rows("market_data.ohlcv", "sample", records, run_id=None, now=now))
`

let stack

before(async () => {
  stack = await startStack({ prepare: [{ python: QUARANTINE }] })
})

after(async () => {
  await stack?.stop()
})

// A phone (mobile emulation) widens its layout viewport to a page that overflows, so innerWidth
// grows with it: the page must also fit the screen's own width (clientWidth, the viewport's).
async function noSidewaysScroll(page, where) {
  const { scrollWidth, innerWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
  const screen = Math.min(innerWidth, clientWidth, page.viewportSize().width)
  assert.ok(scrollWidth <= screen, `${where}: the page is ${scrollWidth}px wide on a ${screen}px screen`)
}

async function inView(page, testId) {
  await page.waitForFunction((id) => {
    const top = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().top
    return top !== undefined && top < window.innerHeight * 0.6 && top > -window.innerHeight
  }, testId, { timeout: 15_000 })
}

/** Bring an element to the middle of a phone's screen (not under the tab bar), then tap it. */
async function tap(locator) {
  await locator.evaluate((element) => element.scrollIntoView({ block: 'center' }))
  await locator.click()
}

const ROUTES = ['/monitor', '/symbols/SPY', '/strategies', '/walk-forward', '/macro', '/pipeline', '/orders', '/risk', '/models', '/simulation', '/reports', '/chat']

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`data pages on ${viewport} (${scheme})`, () => {
    it('lists the macro series with their releases and overlays a vintage', async () => {
      const listed = await stack.backend.get('/api/market/macro?limit=1000')
      const page = await stack.open(viewport, '/macro', scheme)
      const rows = page.getByTestId('macro-row')
      await rows.first().waitFor()
      assert.equal(await rows.count(), listed.total)
      const first = listed.items[0]
      assert.match(await rows.first().getByTestId('macro-released').textContent(), new RegExp(first.released.slice(0, 4)))

      const wanted = listed.items[Math.min(2, listed.items.length - 1)]
      await page.getByTestId(`macro-${wanted.series_id}`).click()
      await page.waitForURL(new RegExp(`series=${wanted.series_id}`))
      assert.match(await page.getByTestId('macro-chosen').textContent(), new RegExp(wanted.series_id))
      await page.getByTestId('macro-chart').locator('canvas').first().waitFor()
      const vintages = await stack.backend.get(`/api/market/macro/${wanted.series_id}/vintages?source=${wanted.source}`)
      const overlays = page.getByTestId('macro-overlays').locator('li')
      const before = await overlays.count()
      const pick = vintages.vintages[Math.floor(vintages.vintages.length / 2)].realtime_start
      await page.getByTestId('vintage-pick').selectOption(pick)
      await page.getByTestId('vintage-add').click()
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="macro-overlays"] li').length === n, before + 1)
      assert.match(await overlays.last().textContent(), new RegExp(`As known on ${pick}`))
      // the lines are named in a legend under the chart, not by titles drawn over it
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="macro-chart"] [data-testid="chart-legend"] li').length === n, before + 1)
      await noSidewaysScroll(page, '/macro')
      await screenshot(page, `${viewport}-${scheme}-macro`)
      await page.context().close()
    })

    it('shows pipeline runs with their steps and the quarantine filtered by reason', async () => {
      const runs = await stack.backend.get('/api/pipeline/runs')
      const page = await stack.open(viewport, '/pipeline', scheme)
      const listed = page.getByTestId('pipeline-run')
      await listed.first().waitFor()
      assert.equal(await listed.count(), runs.items.length)
      await listed.first().getByRole('button').click()
      const steps = page.getByTestId('run-step')
      await steps.first().waitFor()
      assert.equal(await steps.count(), Object.keys(runs.items[0].steps).length)

      await page.getByTestId('quarantined-record').first().waitFor()
      assert.equal(await page.getByTestId('quarantined-record').count(), 2)
      await page.getByTestId('quarantine-reason').fill('volume')
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="quarantined-record"]').length === 1)
      assert.equal(await page.getByTestId('quarantine-reason-text').textContent(), 'negative volume')
      await page.getByTestId('quarantined-record').getByRole('button').click()
      assert.match(await page.getByTestId('quarantine-payload').textContent(), /"volume": -5/)
      await noSidewaysScroll(page, '/pipeline')
      await screenshot(page, `${viewport}-${scheme}-pipeline`)
      await page.context().close()
    })

    it('judges the sample’s freshness against its last generated day and filters by class', async () => {
      const coverage = await stack.backend.get('/api/monitor/coverage')
      const page = await stack.open(viewport, '/monitor', scheme)
      const card = page.getByTestId('coverage-card-market_data')
      await card.waitFor()
      assert.equal(await card.getByTestId('freshness').getAttribute('data-freshness'), 'fresh')
      assert.equal(await card.getByTestId('freshness').textContent(), 'up to date')
      assert.match(await page.getByTestId('reference-day').textContent(), /last generated day/)
      for (const topic of ['market_data', 'economic_data', 'news'])
        assert.equal(await page.getByTestId(`coverage-card-${topic}`).getByTestId('freshness').getAttribute('data-freshness'), 'fresh', topic)

      await page.getByTestId('coverage-class').selectOption('macro')
      const series = coverage.symbols.filter((row) => row.asset_class === 'macro').length
      assert.ok(series > 0)
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="coverage-row"]').length === n, series)
      await noSidewaysScroll(page, '/monitor')
      await screenshot(page, `${viewport}-${scheme}-monitor-macro-rows`)
      await page.context().close()
    })

    it('runs a walk-forward from the web and reopens it by its URL', async () => {
      const page = await stack.open(viewport, '/walk-forward', scheme)
      await page.getByTestId('walk-forward-form').waitFor()
      await page.locator('#wf-symbols').fill('SPY, TLT')
      await page.locator('#wf-train').fill('200')
      await page.locator('#wf-test').fill('100')
      await page.getByRole('button', { name: 'Run walk-forward' }).click()

      await page.getByTestId('wf-result').waitFor({ timeout: 120_000 })
      await page.waitForURL(/[?&]run=walk_forward-/)
      const runId = new URL(page.url()).searchParams.get('run')
      const detail = await stack.backend.get(`/api/backtests/walk-forwards/${encodeURIComponent(runId)}`)
      assert.ok(detail.folds.length >= 2, `${detail.folds.length} folds`)
      assert.equal(await page.getByTestId('fold-row').count(), detail.folds.length)
      await page.getByTestId('wf-equity').locator('canvas').first().waitFor()
      await inView(page, 'wf-result')
      await noSidewaysScroll(page, '/walk-forward')
      await screenshot(page, `${viewport}-${scheme}-walk-forward`)

      const again = await stack.open(viewport, `/walk-forward?run=${encodeURIComponent(runId)}`, scheme)
      await again.getByTestId('fold-row').first().waitFor({ timeout: 30_000 })
      assert.equal(await again.getByTestId('fold-row').count(), detail.folds.length)
      await again.context().close()
      await page.context().close()
    })
  })
}

describe('research results on a phone', () => {
  it('opens the run behind a sweep cell, then brings a comparison into view', async () => {
    const page = await stack.open('phone', '/strategies', 'dark')
    await page.getByTestId('strategy-form').waitFor()
    await page.waitForLoadState('networkidle')
    await tap(page.getByRole('button', { name: 'Run sweep' }))
    const cell = page.getByTestId('sweep-cell').first()
    await cell.waitFor({ timeout: 60_000 })
    const shown = (await cell.textContent()).trim()
    await tap(cell)

    await page.getByTestId('run-results').waitFor({ timeout: 60_000 })
    await page.waitForURL(/[?&]run=/)
    await inView(page, 'run-results')
    const runId = new URL(page.url()).searchParams.get('run')
    const detail = await stack.backend.get(`/api/backtests/runs/${encodeURIComponent(runId)}`)
    const sharpe = detail.metrics.sharpe_ratio
    assert.equal(Number(shown), Number(sharpe.toFixed(2)), `cell ${shown}, run ${sharpe}`)
    await screenshot(page, 'phone-dark-sweep-cell-run')

    // a second run, then compare the two: the comparison is brought into view
    await page.getByRole('button', { name: 'Run backtest' }).click()
    await page.waitForFunction((first) => new URL(location.href).searchParams.get('run') !== first, runId, { timeout: 60_000 })
    // the run finishes and its results scroll into view before the comparison is asked for:
    // on a loaded machine that scroll could otherwise land after the comparison's own
    await page.getByTestId('run-progress').waitFor({ state: 'hidden', timeout: 60_000 })
    await inView(page, 'run-results')
    const boxes = page.getByTestId('runs-list').getByRole('checkbox')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="runs-list"] input[type="checkbox"]').length >= 2)
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.getByTestId('compare-button').click()
    await page.getByTestId('compare-chart').locator('canvas').first().waitFor()
    await inView(page, 'compare-section')
    await noSidewaysScroll(page, '/strategies compare')
    await screenshot(page, 'phone-dark-compare-in-view')
    await page.context().close()
  })

  it('folds a long SQL block in the chat and gives the results table its height', async () => {
    const page = await stack.open('phone', '/chat', 'dark')
    const suggestion = page.getByTestId('chat-empty').getByTestId('suggestion').filter({ hasText: /gainers/i }).first()
    await suggestion.click()
    const turn = page.getByTestId('chat-turn').last()
    const sql = turn.getByTestId('sql-code')
    await sql.waitFor()
    const lines = (await sql.textContent()).split('\n').length
    assert.ok(lines > 4, `the gainers SQL has ${lines} lines`)
    assert.equal(await sql.getAttribute('data-folded'), 'true')
    const folded = await sql.evaluate((element) => element.getBoundingClientRect().height)
    await turn.getByTestId('sql-fold').click()
    assert.equal(await sql.getAttribute('data-folded'), 'false')
    assert.ok((await sql.evaluate((element) => element.getBoundingClientRect().height)) > folded)

    await turn.getByTestId('run-sql').click()
    const table = turn.getByTestId('result-table')
    await table.locator('tbody tr').first().waitFor()
    const box = turn.getByTestId('result-table-box')
    const { inner, outer } = await box.evaluate((element) => ({ inner: element.scrollHeight, outer: element.clientHeight }))
    assert.ok(inner <= outer + 1, `the results table scrolls inside its box (${inner} > ${outer})`)
    await noSidewaysScroll(page, '/chat')
    await screenshot(page, 'phone-dark-chat-sql-folded')
    await page.context().close()
  })
})

describe('no sideways scroll', () => {
  for (const viewport of ['desktop', 'phone']) {
    it(`fits every page in the window on ${viewport}`, async () => {
      for (const path of ROUTES) {
        const page = await stack.open(viewport, path)
        await page.getByTestId('page-title').first().waitFor()
        await page.waitForLoadState('networkidle')
        await noSidewaysScroll(page, `${viewport} ${path}`)
        await page.context().close()
      }
    })
  }
})
