// The symbol chart against a real backend (sample store, `tetra serve`), at desktop and phone
// widths: each range button shows the range it names (first and last visible day, read from
// the chart's own visible range), the range lives in the URL, the crosshair is shared by the
// price and indicator panes, a compared symbol is drawn rebased on the same chart, and dragging
// the chart back past its first bar loads the bars before it without moving the view.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startBackend } from './backend.mjs'
import { freePort, launchBrowser, newPage, screenshot, startPreview } from './harness.mjs'

let backend
let preview
let browser

before(async () => {
  const apiPort = await freePort()
  ;[backend, preview] = await Promise.all([startBackend({ port: apiPort }), startPreview({ apiUrl: `http://127.0.0.1:${apiPort}` })])
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await preview?.stop()
  await backend?.stop()
})

async function open(viewport, path) {
  const colorScheme = viewport === 'phone' ? 'dark' : 'light'
  const page = await newPage(browser, viewport, { baseURL: preview.url, storage: { 'tetra.apiKey': backend.key }, colorScheme })
  await page.goto(path)
  return page
}

const day = (t) => new Date(t * 1000).toISOString().slice(0, 10)

/** The first day of `period` ending on `last`, computed here independently of the app. */
function startOf(period, last) {
  if (period === 'ALL') return '0000-00-00'
  if (period === 'YTD') return `${last.slice(0, 4)}-01-01`
  const months = { '1M': 1, '3M': 3, '6M': 6, '1Y': 12, '3Y': 36, '5Y': 60 }[period]
  const [y, m, d] = last.split('-').map(Number)
  const target = new Date(Date.UTC(y, m - 1 - months, 1))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(d, lastDay))
  return new Date(target.getTime() + 86_400_000).toISOString().slice(0, 10)
}

async function visibleRange(page, from) {
  const range = page.getByTestId('visible-range')
  if (from !== undefined) await page.waitForFunction((want) => document.querySelector('[data-testid="visible-range"]')?.dataset.from === want, from, { timeout: 15_000 })
  return { from: await range.getAttribute('data-from'), to: await range.getAttribute('data-to') }
}

for (const viewport of ['desktop', 'phone']) {
  describe(`symbol chart on ${viewport}`, () => {
    it('shows the range each button names, first to last day, and keeps it in the URL', async () => {
      const all = await backend.get('/api/market/bars/SPY/columns?period=ALL')
      const first = day(all.t[0])
      const last = day(all.t[all.t.length - 1])
      const page = await open(viewport, '/symbols/SPY')
      await page.getByTestId('candle-chart').locator('canvas').first().waitFor()

      for (const [label, period] of [['All', 'ALL'], ['1M', '1M'], ['3M', '3M'], ['6M', '6M'], ['YTD', 'YTD'], ['1Y', '1Y'], ['3Y', '3Y'], ['5Y', '5Y']]) {
        const answered = page.waitForResponse((r) => r.url().includes('/bars/SPY/columns') && new URL(r.url()).searchParams.get('period') === period)
        await page.getByRole('group', { name: 'Date range' }).getByRole('button', { name: label, exact: true }).click()
        const response = await answered
        const expected = all.t.map(day).find((d) => d >= startOf(period, last))
        const shown = await visibleRange(page, expected)
        assert.deepEqual(shown, { from: expected, to: last }, `${label} on ${viewport}`)
        if (period === '1Y') assert.equal(new URL(page.url()).search, '', 'the default range keeps a plain URL')
        else assert.equal(new URL(page.url()).searchParams.get('range'), period)
        if (period === 'ALL') assert.equal(expected, first)
        if (period === 'ALL' || period === '3M') await screenshot(page, `${viewport}-symbol-range-${period}`)
        // Only the range shown is fetched (the server adds the indicators' warm-up), gzipped
        // (a range seen before is revalidated: the browser's cache answers after a 304).
        const headers = await response.allHeaders()
        assert.equal(response.status(), 200)
        assert.ok(headers['content-encoding'] === 'gzip' || headers.etag, JSON.stringify(headers))
      }
      await page.context().close()
    })

    it('opens a custom range from the URL, and a preset replaces it', async () => {
      const all = await backend.get('/api/market/bars/SPY/columns?period=ALL')
      const days = all.t.map(day)
      const from = days[Math.floor(days.length / 4)]
      const to = days[Math.floor(days.length / 2)]
      const page = await open(viewport, `/symbols/SPY?from=${from}&to=${to}`)

      assert.deepEqual(await visibleRange(page, from), { from, to })
      assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), from)
      await page.getByRole('button', { name: '6M', exact: true }).click()
      await page.waitForURL((url) => url.searchParams.get('range') === '6M' && !url.searchParams.has('from'))
      await page.reload()
      assert.equal(await page.getByRole('button', { name: '6M', exact: true }).getAttribute('aria-pressed'), 'true')
      await page.context().close()
    })

    it('shares the crosshair between price and indicator panes, with an OHLC legend', async () => {
      const bars = await backend.get('/api/market/bars/SPY/columns?period=1Y&indicator=rsi:14&indicator=macd:12,26,9')
      const page = await open(viewport, '/symbols/SPY?ind=rsi14,macd')
      const chart = page.getByTestId('candle-chart')
      await chart.locator('canvas').first().waitFor()
      await visibleRange(page, day(bars.t[0]))
      await chart.evaluate((element) => element.scrollIntoView({ block: 'center' }))
      const box = await chart.boundingBox()
      const price = viewport === 'phone' ? 260 : 360
      const pane = viewport === 'phone' ? 90 : 110

      // Over the RSI pane (below price and volume): the legend names the bar under the pointer.
      const point = (y) => [box.x + box.width * 0.4, box.y + y]
      const pointAt = (y) => page.mouse.move(...point(y))
      if (viewport === 'phone') {
        // A touch screen shows the crosshair on a long press, which emulated touch does not
        // produce: at phone width the panes and the legend (of the last bar) are checked.
        const legend = page.getByTestId('chart-legend')
        assert.equal(await legend.getAttribute('data-day'), day(bars.t.at(-1)))
        assert.equal(Number(await legend.getByTestId('legend-ohlc').getAttribute('data-close')), bars.close.at(-1))
        await legend.locator('[data-label="rsi_14"]').waitFor()
        await screenshot(page, `${viewport}-symbol-panes`)
        await page.context().close()
        return
      }
      await pointAt(price + 70 + pane / 2)
      const legend = page.getByTestId('chart-legend')
      await page.waitForFunction(() => document.querySelector('[data-testid="chart-legend"]')?.dataset.day !== undefined)
      const hovered = await legend.getAttribute('data-day')
      await page.waitForFunction((last) => document.querySelector('[data-testid="chart-legend"]')?.dataset.day !== last, day(bars.t[bars.t.length - 1]))
      const atRsi = await legend.getAttribute('data-day')
      const index = bars.t.map(day).indexOf(atRsi)
      assert.ok(index > 0, `the legend shows a bar of the range (${hovered} -> ${atRsi})`)
      const ohlc = legend.getByTestId('legend-ohlc')
      assert.equal(Number(await ohlc.getAttribute('data-close')), bars.close[index])
      assert.equal(Number(await ohlc.getAttribute('data-open')), bars.open[index])
      const rsi = await legend.locator('[data-label="rsi_14"]').textContent()
      assert.match(rsi, new RegExp(`RSI 14 ${bars.values.rsi_14[index].toFixed(2)}`))
      assert.equal(await legend.locator('[data-label="macd_12_26_9_signal"]').count(), 1)
      // The same x over the price pane is the same bar.
      await pointAt(price / 2)
      assert.equal(await legend.getAttribute('data-day'), atRsi)
      await screenshot(page, `${viewport}-symbol-crosshair`)
      await page.context().close()
    })

    it('compares a symbol rebased on the same chart, and adds one from the form', async () => {
      const spy = await backend.get('/api/market/bars/SPY/columns?period=1Y')
      const qqq = await backend.get(`/api/market/bars/QQQ/columns?start=${spy.start}&end=${spy.end}`)
      const page = await open(viewport, '/symbols/SPY?compare=QQQ')
      await page.locator('[data-testid="compare-chip"][data-symbol="QQQ"]').waitFor()
      const item = page.getByTestId('chart-legend').locator('[data-label="QQQ"]')
      await item.waitFor()
      // Rebased: QQQ's last close times SPY's first close over QQQ's first close.
      const expected = (qqq.close.at(-1) * spy.close[0]) / qqq.close[0]
      assert.match(await item.textContent(), new RegExp(`QQQ ${expected.toFixed(2)}`))

      await page.getByLabel('Compare with symbol').fill('tlt')
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      await page.waitForURL((url) => url.searchParams.get('compare') === 'QQQ,TLT')
      await page.locator('[data-testid="compare-chip"][data-symbol="TLT"]').waitFor()
      await page.getByRole('button', { name: 'Log', exact: true }).click()
      await page.waitForURL((url) => url.searchParams.get('scale') === 'log')
      await screenshot(page, `${viewport}-symbol-compare`)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(width <= (viewport === 'phone' ? 390 : 1280), `no sideways scroll (${width})`)
      await page.context().close()
    })
  })
}

describe('earlier bars as the chart is dragged back', () => {
  it('loads the span before the first bar and keeps the view on the same days', async () => {
    const year = await backend.get('/api/market/bars/SPY/columns?period=1Y&indicator=sma:20&indicator=sma:50')
    const first = day(year.t[0])
    const last = day(year.t.at(-1))
    const page = await open('desktop', '/symbols/SPY?range=1Y')
    const errors = []
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
    page.on('pageerror', (error) => errors.push(String(error)))
    const chart = page.getByTestId('candle-chart')
    await chart.locator('canvas').first().waitFor()
    await visibleRange(page, first)
    const summary = page.getByTestId('symbol-summary')
    assert.equal(await summary.getAttribute('data-first-bar'), first)

    // Drag the price pane right by 40% of its width: the first bar moves into the middle.
    const earlier = page.waitForResponse((r) => r.url().includes('/bars/SPY/columns') && new URL(r.url()).searchParams.has('start'))
    await chart.evaluate((element) => element.scrollIntoView({ block: 'center' }))
    const box = await chart.boundingBox()
    const y = box.y + 180
    await page.mouse.move(box.x + box.width * 0.3, y)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 12 })
    await page.mouse.up()
    const dragged = await visibleRange(page)
    assert.ok(dragged.to < last, `the drag moved the view back (${JSON.stringify(dragged)})`)

    const response = await earlier
    const asked = new URL(response.url()).searchParams
    assert.equal(response.status(), 200)
    assert.equal(asked.get('end'), new Date(Date.parse(`${year.start}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10))
    assert.deepEqual(asked.getAll('indicator'), ['sma:20', 'sma:50'], 'the same indicators, warmed up by the server')
    const body = await response.json()
    assert.ok(body.t.length > 100, `about a year before (${body.t.length} bars)`)
    await page.waitForFunction((want) => document.querySelector('[data-testid="symbol-summary"]')?.dataset.firstBar <= want, day(body.t[0]))
    const shown = await visibleRange(page)
    assert.equal(shown.to, dragged.to, 'the view stays on the same last day')
    assert.ok(shown.from < first, `earlier bars fill the space before the first one (${shown.from})`)
    assert.equal(new URL(page.url()).searchParams.get('range'), '1Y', 'the URL keeps the range first shown')
    await screenshot(page, 'desktop-symbol-earlier')
    assert.deepEqual(errors, [])
    await page.context().close()
  })
})

describe("a run's trades on the price chart", () => {
  it('links from the run to each symbol with its entries and exits marked', async () => {
    const headers = { 'X-API-Key': backend.key, 'Content-Type': 'application/json' }
    const body = { strategy: 'sma_crossover', symbols: ['SPY'], start: '2025-01-02', end: '2025-12-31', params: { fast: 10, slow: 30 }, cash: 100000, commission_bps: 1, slippage_bps: 1 }
    const accepted = await (await fetch(`${backend.url}/api/backtests/runs`, { method: 'POST', headers, body: JSON.stringify(body) })).json()
    let run
    for (let i = 0; i < 120; i++) {
      run = await backend.get(`/api/backtests/runs/${accepted.run_id}`)
      if (run.status === 'done' || run.status === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    assert.equal(run.status, 'done', JSON.stringify(run).slice(0, 300))
    const marks = run.trades.filter((t) => t.symbol === 'SPY').reduce((n, t) => n + (t.entry_ts ? 1 : 0) + (t.exit_ts ? 1 : 0), 0)
    assert.ok(marks > 0, 'the crossover traded')

    for (const viewport of ['desktop', 'phone']) {
      const page = await open(viewport, `/strategies?run=${accepted.run_id}`)
      await page.getByTestId('trade-charts').getByRole('link', { name: 'SPY' }).click()
      await page.waitForURL((url) => url.pathname === '/symbols/SPY' && url.searchParams.get('run') === accepted.run_id)
      const first = run.equity[0].date
      const last = run.equity.at(-1).date
      assert.deepEqual(await visibleRange(page, first), { from: first, to: last })
      await page.getByTestId('run-trades').waitFor()
      assert.match(await page.getByTestId('run-trades').textContent(), new RegExp(`${marks} trade marks of the sma_crossover run`))
      await screenshot(page, `${viewport}-symbol-run-trades`)
      await page.context().close()
    }
  })
})

describe('news on the symbol page', () => {
  it('comes a page at a time', async () => {
    const first = await backend.get('/api/market/news?symbol=SPY&limit=20')
    const page = await open('phone', '/symbols/SPY')
    const count = page.getByTestId('news-count')
    await count.waitFor()
    assert.equal(await count.textContent(), `${Math.min(20, first.total)} of ${first.total.toLocaleString('en-US')}`)
    assert.equal(await page.getByTestId('news-list').locator('li').count(), Math.min(20, first.total))
    if (first.total > 20) {
      await page.getByRole('button', { name: 'Load more' }).click()
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="news-list"] li').length === n, Math.min(40, first.total))
      const second = await backend.get('/api/market/news?symbol=SPY&limit=20&offset=20')
      await page.getByTestId('news-list').getByText(second.items[0].title).first().waitFor()
    }
    await page.context().close()
  })
})
