// The Orders page against a real backend (sample store, `tetra serve`, the paper broker), at
// desktop and phone widths: a market order from the ticket fills at the store's latest close and
// shows in recent orders, fills and positions; the kill switch (behind a reason and a
// confirmation) makes the next order come back rejected with its reason; Reconcile reports a
// clean book; a recommend book's pending approvals (from a daily cycle run before serving) are
// approved in part; a working limit order is amended and cancelled; a book is flattened.
// Each test's orders go to their own book, so the tests share one backend without meeting.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

const RECOMMEND_BOOK = 'e2e_recommend'
const configDir = mkdtempSync(join(tmpdir(), 'tetra-e2e-orders-'))
let stack
let backend

before(async () => {
  const config = join(configDir, 'tetra.toml')
  writeFileSync(
    config,
    [
      `[books.${RECOMMEND_BOOK}]`,
      'capital = 100000',
      'symbols = ["SPY", "QQQ", "TLT", "GLD"]',
      'benchmark = "SPY"',
      'mode = "recommend"',
      'strategies = [{ strategy = "buy_and_hold", weight = 1 }]',
      '',
    ].join('\n'),
  )
  process.env.TETRA_CONFIG = config
  stack = await startStack({ prepare: [['cycle', 'run', '--sample', '--book', RECOMMEND_BOOK]] })
  backend = stack.backend
})

after(async () => {
  await stack?.stop()
  rmSync(configDir, { recursive: true, force: true })
})

const open = (...args) => stack.open(...args)
const status = () => backend.get('/api/trading/status')

const post = (path, body) => backend.post(path, body)

/** Answer the page's prompts and confirms in order: a string fills a prompt, false dismisses. */
function answerDialogs(page, replies) {
  const queue = [...replies]
  const asked = []
  page.on('dialog', async (dialog) => {
    asked.push(dialog.message())
    const reply = queue.shift()
    if (reply === false || reply === undefined) await dialog.dismiss()
    else await dialog.accept(typeof reply === 'string' ? reply : undefined)
  })
  return asked
}

/** The page's one-line outcome of the last action (a message, or the error it met). */
async function outcome(page) {
  const shown = page.locator('[data-testid="trading-message"], [data-testid="trading-error"]')
  await shown.first().waitFor()
  return (await shown.first().textContent()).trim()
}

async function assertNoSidewaysScroll(page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(wide <= 1, `the page is ${wide}px wider than the screen`)
}

async function fillTicket(page, { book, symbol, side = 'buy', quantity }) {
  const ticket = page.getByTestId('order-ticket')
  await ticket.getByLabel('Book').fill(book)
  await page.getByTestId('ticket-symbol').fill(symbol)
  await ticket.getByLabel('Side').selectOption(side)
  await page.getByTestId('ticket-quantity').fill(quantity)
}

/** An order as the page words it: side, quantity, symbol, status and the reason if any. */
const sent = (order) => {
  const what = `${order.side} ${order.quantity} ${order.symbol}: ${order.status}`
  return order.reason ? `${what} (${order.reason})` : what
}
const ofBook = (book) => (row) => row.book === book

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'
  const book = `e2e_ticket_${viewport}`
  // different orders per width: the recent orders list does not show the book
  const { symbol, quantity } = viewport === 'phone' ? { symbol: 'QQQ', quantity: '3' } : { symbol: 'SPY', quantity: '2' }

  describe(`orders page on ${viewport} (${scheme})`, () => {
    it('sends a market order from the ticket (the symbol typed in lower case); it fills at the latest close and is listed', async () => {
      const page = await open(viewport, '/orders', scheme)
      await page.getByTestId('order-ticket').waitFor()
      await page.locator('[data-testid="halt-state"][data-halted="false"]').waitFor()

      await fillTicket(page, { book, symbol: symbol.toLowerCase(), quantity })
      await page.getByRole('button', { name: 'Check and send' }).click()

      const shown = await outcome(page)
      const now = await status()
      const order = now.recent_orders.find(ofBook(book))
      assert.ok(order, `no order of ${book} in the API's recent orders`)
      assert.deepEqual([order.symbol, order.side, order.quantity, order.status], [symbol, 'buy', quantity, 'filled'])
      assert.equal(shown, sent(order))
      const recent = page.getByTestId('recent-orders').locator('li')
      await recent.filter({ hasText: sent(order) }).waitFor()
      // newest first, as the page lists them
      assert.equal((await recent.first().textContent()).trim(), sent(order))

      // the paper broker fills a market order at once at the store's latest close
      const fill = now.fills.find((f) => f.order_id === order.client_order_id)
      assert.ok(fill, 'the API lists no fill of the order')
      assert.equal(Number(fill.price), Number(order.average_fill_price))
      const bars = await backend.get(`/api/market/bars/${symbol}/columns?period=1M`)
      // the default costs add no slippage; the broker's close is the bars' close to 6 decimals
      const close = bars.close.at(-1)
      assert.ok(Math.abs(Number(fill.price) - close) < 1e-6, `filled at ${fill.price}, the last close is ${close}`)
      // the message comes before the lists are read again: wait for the fill's own line
      const fills = page.getByTestId('fills').locator('li')
      // the fill as the page words it: UTC to the second, exact decimals without trailing zeros
      const trim = (text) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text)
      const at = `${new Date(fill.at).toISOString().slice(0, 19).replace('T', ' ')} UTC`
      await fills.filter({ hasText: `${at} buy ${trim(fill.quantity)} ${symbol} @ ${trim(fill.price)}` }).waitFor()
      assert.equal(await fills.count(), now.fills.length)

      const held = now.positions.find(ofBook(book))
      assert.deepEqual([held.symbol, held.quantity], [symbol, quantity])
      const row = page.getByTestId('positions').locator('tr', { hasText: book })
      assert.deepEqual(await row.locator('td').allTextContents(), [book, 'paper', symbol, quantity])
      await page.getByTestId('flatten').filter({ hasText: `Flatten ${book}` }).waitFor()

      await assertNoSidewaysScroll(page)
      await screenshot(page, `${viewport}-${scheme}-orders-ticket`)
      await page.context().close()
    })
  })
}

describe('kill switch on the orders page', () => {
  // a failure while halted would refuse every later test's orders: release the switch regardless
  after(async () => {
    if ((await status()).halted.length) await post('/api/trading/resume', { scope: '*', reason: 'e2e cleanup', by: 'e2e' })
  })

  it('asks why and to confirm; while halted an order comes back rejected with the reason', async () => {
    const page = await open('desktop', '/orders')
    await page.locator('[data-testid="halt-state"][data-halted="false"]').waitFor()

    // a dismissed prompt changes nothing
    const declined = answerDialogs(page, [false])
    await page.getByTestId('kill-switch').click()
    await page.waitForTimeout(300)
    assert.deepEqual(declined, ['Why halt all trading?'])
    assert.deepEqual((await status()).halted, [])
    page.removeAllListeners('dialog')

    const asked = answerDialogs(page, ['e2e drill', true])
    await page.getByTestId('kill-switch').click()
    await page.locator('[data-testid="halt-state"][data-halted="true"]').waitFor()
    assert.deepEqual(asked, ['Why halt all trading?', 'halt all trading now? This is recorded with your reason.'])
    assert.equal(await outcome(page), 'Halted: open orders cancelled, new risk refused.')
    assert.deepEqual((await status()).halted, ['*'])
    assert.equal((await page.getByTestId('kill-switch').textContent()).trim(), 'Resume trading')
    page.removeAllListeners('dialog')

    await fillTicket(page, { book: 'e2e_halted', symbol: 'QQQ', quantity: '1' })
    await page.getByRole('button', { name: 'Check and send' }).click()
    await page.getByTestId('trading-message').filter({ hasText: 'rejected' }).waitFor()
    const refused = (await status()).recent_orders.find(ofBook('e2e_halted'))
    assert.equal(refused.status, 'rejected')
    assert.match(refused.reason, /trading_halted/)
    assert.equal(await outcome(page), sent(refused))
    assert.equal((await status()).positions.filter(ofBook('e2e_halted')).length, 0)
    await screenshot(page, 'desktop-light-orders-halted')

    answerDialogs(page, ['drill over', true])
    await page.getByTestId('kill-switch').click()
    await page.locator('[data-testid="halt-state"][data-halted="false"]').waitFor()
    assert.equal(await outcome(page), 'Trading resumed.')
    assert.deepEqual((await status()).halted, [])
    await page.context().close()
  })
})

describe('reconcile', () => {
  it("shows the reconciliation's answer: ours and the paper broker agree", async () => {
    const page = await open('desktop', '/orders')
    await page.getByTestId('order-ticket').waitFor()
    await page.getByTestId('reconcile').click()
    assert.equal(await outcome(page), 'Reconciled: ours and the broker agree.')
    const again = await post('/api/trading/reconcile')
    assert.equal(again.status, 200)
    assert.deepEqual([again.body.broker, again.body.clean, again.body.differences], ['paper', true, []])
    await page.context().close()
  })
})

describe('approvals of a recommend book (phone, dark)', () => {
  it("lists the daily cycle's recommendations and sends only the ones left ticked", async () => {
    const pending = await backend.get('/api/trading/approvals')
    assert.deepEqual(pending.map((a) => a.symbol), ['GLD', 'QQQ', 'SPY', 'TLT'])
    const page = await open('phone', '/orders', 'dark')
    const rows = page.getByTestId('approval')
    await rows.first().waitFor()
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent.trim())))
    assert.deepEqual(cells, pending.map((a) => [a.book, a.session, `${a.side} ${a.quantity} ${a.symbol}`, `@ ${a.price}`]))
    await assertNoSidewaysScroll(page)
    await screenshot(page, 'phone-dark-orders-approvals')

    const held = pending.find((a) => a.symbol === 'TLT')
    await page.getByLabel(`approve ${held.side} ${held.quantity} TLT`).uncheck()
    const asked = answerDialogs(page, [true])
    await page.getByTestId('approve').click()
    await page.getByTestId('trading-message').waitFor()
    assert.deepEqual(asked, ['Send 3 approved order(s) to the broker?'])

    const orders = (await status()).recent_orders.filter(ofBook(RECOMMEND_BOOK))
    assert.deepEqual(orders.map((o) => o.symbol).sort(), ['GLD', 'QQQ', 'SPY'])
    assert.ok(orders.every((o) => o.status === 'filled'), orders.map(sent).join('; '))
    assert.equal(await outcome(page), orders.map(sent).join('; '))
    const left = await backend.get('/api/trading/approvals')
    assert.deepEqual(left.map((a) => a.symbol), ['TLT'])
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="approval"]').length === 1)
    await assertNoSidewaysScroll(page)
    await page.context().close()
  })
})

describe('a working limit order', () => {
  it('is amended (the replacement carries the new quantity and limit) and then cancelled', async () => {
    const book = 'e2e_limit'
    const bars = await backend.get('/api/market/bars/QQQ/columns?period=1M')
    const close = bars.close.at(-1)
    // 5% under the close: inside the risk engine's price band, not marketable, so it works
    const limit = (Number(close) * 0.95).toFixed(2)
    const placed = await post('/api/trading/orders', {
      book, symbol: 'QQQ', side: 'buy', quantity: '2', order_type: 'limit', limit_price: limit, time_in_force: 'gtc',
    })
    assert.equal(placed.body.status, 'accepted', placed.body.reason)

    const page = await open('desktop', '/orders')
    const row = page.getByTestId('open-orders').locator('tr', { hasText: book })
    await row.waitFor()
    assert.deepEqual(
      (await row.locator('td').allTextContents()).slice(0, 4),
      [book, 'buy 2 QQQ', `limit ${limit}`, 'accepted'],
    )

    const newLimit = (Number(limit) - 1).toFixed(2)
    const asked = answerDialogs(page, ['3', newLimit])
    await row.getByTestId('amend').click()
    await page.getByTestId('trading-message').waitFor()
    assert.deepEqual(asked, [`New quantity for QQQ (blank keeps 2)`, `New limit price (blank keeps ${limit})`])
    const now = await status()
    const replacement = now.open_orders.find(ofBook(book))
    assert.deepEqual(
      [replacement.quantity, Number(replacement.limit_price), replacement.replaces],
      ['3', Number(newLimit), placed.body.client_order_id],
    )
    const original = now.recent_orders.find((o) => o.client_order_id === placed.body.client_order_id)
    assert.deepEqual([original.status, original.replaced_by], ['cancelled', replacement.client_order_id])
    assert.equal(await outcome(page), `Replaced by ${sent(replacement)}`)
    await page.getByTestId('open-orders').locator('tr', { hasText: 'buy 3 QQQ' }).waitFor()
    assert.equal(await page.getByTestId('open-orders').locator('tr', { hasText: book }).count(), 1)
    await screenshot(page, 'desktop-light-orders-amended')

    await page.getByTestId('open-orders').locator('tr', { hasText: book }).getByRole('button', { name: 'cancel' }).click()
    await page.getByTestId('trading-message').filter({ hasText: 'cancelled' }).waitFor()
    const done = await status()
    assert.equal(done.open_orders.filter(ofBook(book)).length, 0)
    const cancelled = done.recent_orders.find((o) => o.client_order_id === replacement.client_order_id)
    assert.equal(cancelled.status, 'cancelled')
    assert.equal(await outcome(page), sent(cancelled))
    assert.equal(await page.getByTestId('open-orders').locator('tr', { hasText: book }).count(), 0)
    await page.context().close()
  })
})

describe('flatten (phone, dark)', () => {
  it("closes the book's positions after a reason and a confirmation", async () => {
    const book = 'e2e_ticket_phone'
    const before = (await status()).positions.filter(ofBook(book))
    assert.ok(before.length > 0, `the ticket test left ${book} holding something`)
    const page = await open('phone', '/orders', 'dark')
    const button = page.getByTestId('flatten').filter({ hasText: `Flatten ${book}` })
    await button.waitFor()
    // three books hold something by now; each one's button is on the screen, not clipped
    const buttons = page.getByTestId('flatten')
    assert.equal(await buttons.count(), new Set((await status()).positions.map((p) => p.book)).size)
    assert.ok((await buttons.count()) >= 3)
    const card = await page.getByTestId('positions').locator('..').boundingBox()
    for (const box of await buttons.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()))) {
      assert.ok(box.right <= card.x + card.width, `a Flatten button ends at ${box.right}px, past its card (${card.x + card.width}px)`)
    }
    await screenshot(page, 'phone-dark-orders-flatten-buttons')

    const asked = answerDialogs(page, ['e2e flatten', true])
    await button.click()
    await page.getByTestId('trading-message').waitFor()
    assert.deepEqual(asked, [`Why flatten ${book}?`, `flatten ${book} now? This is recorded with your reason.`])

    const now = await status()
    assert.deepEqual(now.positions.filter(ofBook(book)), [])
    const closing = now.recent_orders.filter((o) => o.book === book && o.side === 'sell')
    assert.deepEqual(closing.map((o) => [o.symbol, o.quantity, o.status]), before.map((p) => [p.symbol, p.quantity, 'filled']))
    assert.equal(await outcome(page), closing.map(sent).join('; '))
    await page.getByTestId('flatten').filter({ hasText: `Flatten ${book}` }).waitFor({ state: 'detached' })
    await assertNoSidewaysScroll(page)
    await screenshot(page, 'phone-dark-orders-flattened')
    await page.context().close()
  })
})
