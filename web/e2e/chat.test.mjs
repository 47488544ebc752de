// The database chat against a real backend (sample store, offline translator): a suggested
// question becomes SQL over market_data.ohlcv, runs to a table and a chart, downloads as CSV;
// hostile questions and SQL change nothing; and the page fits a phone.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { startBackend } from './backend.mjs'
import { ARTIFACTS_DIR, freePort, launchBrowser, newPage, screenshot, startPreview } from './harness.mjs'

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

async function open(viewport, colorScheme = 'light') {
  const page = await newPage(browser, viewport, { baseURL: preview.url, storage: { 'tetra.apiKey': backend.key }, colorScheme })
  await page.goto('/chat')
  return page
}

/** The number of daily bars in the store, asked of the API directly. */
async function barCount() {
  const response = await fetch(`${backend.url}/api/chat/execute`, {
    method: 'POST',
    headers: { 'X-API-Key': backend.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT COUNT(*) AS bars FROM market_data.ohlcv' }),
  })
  assert.equal(response.status, 200)
  return (await response.json()).rows[0][0]
}

async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

const lastTurn = (page) => page.getByTestId('chat-turn').last()

describe('chat on desktop', () => {
  it('turns a suggested question into SQL, runs it, charts it and downloads it', async () => {
    const page = await open('desktop')

    const suggestion = page.getByTestId('chat-empty').getByTestId('suggestion').filter({ hasText: /gainers/i }).first()
    await suggestion.click()
    const turn = lastTurn(page)
    await turn.getByTestId('sql-code').waitFor()
    assert.match(await turn.getByTestId('sql-code').textContent(), /market_data\.ohlcv/)
    assert.match(await turn.getByTestId('provider-badge').textContent(), /offline/)
    await turn.getByTestId('guard-accepted').waitFor()

    await turn.getByTestId('run-sql').click()
    const rows = turn.getByTestId('result-table').locator('tbody tr')
    await rows.first().waitFor()
    assert.ok((await rows.count()) > 0)
    assert.match(await turn.getByTestId('result-meta').textContent(), /rows? · [\d.,]+ ms/)
    await screenshot(page, 'desktop-light-chat-table')

    await turn.getByTestId('show-chart').click()
    const chart = turn.getByTestId('result-chart')
    await chart.locator('svg').waitFor()
    assert.ok((await chart.locator('svg circle, svg rect').count()) > 0, 'the chart draws its points')
    assert.ok((await chart.getByTestId('chart-legend').locator('li').count()) > 0, 'the chart has a legend')
    await screenshot(page, 'desktop-light-chat-chart')

    const [download] = await Promise.all([page.waitForEvent('download'), turn.getByTestId('download-csv').click()])
    assert.equal(download.suggestedFilename(), 'tetra-query.csv')
    const csv = await readFile(await download.path(), 'utf8')
    assert.match(csv.split('\n')[0], /symbol/)
    assert.ok(csv.trim().split('\n').length > 1, 'the CSV has rows')

    await page.getByTestId('history-entry').first().waitFor()
    assert.match(await page.getByTestId('history-entry').first().textContent(), /gainers/i)
    await page.context().close()
  })

  it('keeps the store intact against hostile questions and SQL', async () => {
    const before = await barCount()
    const page = await open('desktop')
    const pwned = '<img src=x onerror="window.__pwned = 1">'

    await page.getByTestId('chat-input').fill('delete all the bars')
    await page.getByTestId('chat-input').press('Enter')
    await lastTurn(page).locator('[data-testid="not-translated"], [data-testid="guard-rejected"]').first().waitFor()
    await screenshot(page, 'desktop-light-chat-refused')

    await page.getByTestId('chat-input').fill(pwned)
    await page.getByTestId('chat-input').press('Enter')
    await lastTurn(page).locator('[data-testid="not-translated"], [data-testid="translation-error"]').first().waitFor()
    assert.equal(await lastTurn(page).getByTestId('turn-question').textContent(), pwned)
    assert.equal(await page.evaluate(() => window.__pwned), undefined)

    // The latest close, with its SQL turned into a DELETE by hand: the server's guard refuses it.
    await page.getByTestId('chat-input').fill('What was the latest close of SPY?')
    await page.getByTestId('chat-input').press('Enter')
    const turn = lastTurn(page)
    await turn.getByTestId('sql-code').waitFor()
    await turn.getByTestId('edit-sql').click()
    await turn.getByTestId('sql-editor').fill('DELETE FROM market_data.ohlcv')
    await turn.getByTestId('run-sql').click()
    assert.match(await turn.getByTestId('rejection-reason').textContent(), /DELETE/)

    await page.getByTestId('chat-input').fill('What was the latest close of SPY?')
    await page.getByTestId('chat-input').press('Enter')
    await lastTurn(page).getByTestId('run-sql').click()
    const cells = lastTurn(page).getByTestId('result-table').locator('tbody tr').first().locator('td')
    await cells.first().waitFor()
    assert.equal(await cells.first().textContent(), 'SPY')
    assert.equal(await barCount(), before, 'no bar was deleted')
    await screenshot(page, 'desktop-light-chat-guarded')
    await page.context().close()
  })
})

/** Ask a typed question, check its restatement, run it to a table and a chart, export CSV. */
async function askAndExport(page, question, restated, header, name) {
  await page.getByTestId('chat-input').fill(question)
  await page.getByTestId('chat-input').press('Enter')
  const turn = lastTurn(page)
  await turn.getByTestId('explanation').waitFor()
  assert.match(await turn.getByTestId('explanation').textContent(), restated)
  await turn.getByTestId('guard-accepted').waitFor()
  await turn.getByTestId('run-sql').click()
  const rows = turn.getByTestId('result-table').locator('tbody tr')
  await rows.first().waitFor()
  const shown = await rows.count()
  assert.ok(shown > 1, 'one row per day of the span')
  assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow with the table')
  await turn.getByTestId('show-chart').click()
  const chart = turn.getByTestId('result-chart')
  await chart.locator('svg').waitFor()
  assert.ok((await chart.locator('svg path, svg circle, svg rect').count()) > 0, 'the chart draws the series')
  assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow with the chart')
  await screenshot(page, name)
  const [download] = await Promise.all([page.waitForEvent('download'), turn.getByTestId('download-csv').click()])
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n')
  assert.match(lines[0], header)
  assert.equal(lines.length - 1, shown, 'the CSV holds every row of the table')
  return turn
}

describe('offline answers restated, tabled, charted and exported', () => {
  for (const viewport of ['desktop', 'phone']) {
    it(`asks an indicator question and a follow-up at ${viewport} width`, async () => {
      const page = await open(viewport)

      await askAndExport(
        page,
        '14-day RSI of SPY from 2025-06-02 to 2025-06-30',
        /14-day relative strength index of SPY from 2025-06-02 to 2025-06-30/,
        /"?symbol"?,"?date"?,"?rsi_14"?/,
        `${viewport}-chat-offline-rsi`,
      )
      const followUp = await askAndExport(
        page,
        'and for QQQ?',
        /relative strength index of QQQ .*follow-up of/,
        /"?symbol"?,"?date"?,"?rsi_14"?/,
        `${viewport}-chat-offline-follow-up`,
      )
      await followUp.getByTestId('show-table').click()
      const cells = followUp.getByTestId('result-table').locator('tbody tr').first().locator('td')
      assert.equal(await cells.first().textContent(), 'QQQ')
      await page.context().close()
    })
  }
})

describe('chat on a phone', () => {
  it('asks, runs and charts without horizontal overflow, with history and schema in a drawer', async () => {
    const page = await open('phone', 'dark')

    await page.getByTestId('bottom-nav').getByRole('link', { name: 'Chat' }).waitFor()
    assert.equal(await page.getByTestId('bottom-nav').getByRole('link', { name: 'Chat' }).getAttribute('aria-current'), 'page')
    await page.getByTestId('chat-empty').getByTestId('suggestion').filter({ hasText: /Compare/ }).first().click()
    const turn = lastTurn(page)
    await turn.getByTestId('run-sql').click()
    await turn.getByTestId('result-table').locator('tbody tr').first().waitFor()
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow with the results table')
    await turn.getByTestId('show-chart').click()
    await turn.getByTestId('result-chart').locator('svg').waitFor()
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow with the chart')
    await screenshot(page, 'phone-dark-chat')
    await page.screenshot({ path: `${ARTIFACTS_DIR}phone-dark-chat-viewport.png` })

    await page.getByTestId('open-history').click()
    await page.getByTestId('history-entry').first().click()
    assert.equal(await page.getByTestId('chat-turn').count(), 2, 'the past query is back in the conversation')
    await page.getByTestId('open-schema').click()
    await page.getByTestId('schema-table').filter({ hasText: 'market_data.ohlcv' }).getByRole('button').click()
    await page.getByTestId('schema-panel').getByText('close', { exact: true }).first().waitFor()
    assert.equal(await horizontalOverflow(page), 0, 'no horizontal overflow with the schema drawer')
    await screenshot(page, 'phone-dark-chat-schema')
    await page.getByTestId('close-drawer').click()
    await page.context().close()
  })
})
