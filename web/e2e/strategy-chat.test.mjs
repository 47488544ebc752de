// The chat's strategy mode against a real backend (sample store, `tetra serve`): describe an
// idea, see the spec in words and its backtest, refine it once, and save it to a paper book
// by an explicit approval; at desktop and phone widths.
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

async function fitsTheScreen(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`)
}

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'
  const book = `e2e-${viewport}`

  describe(`strategy chat on ${viewport} (${scheme})`, () => {
    it('tests an idea, refines it once and saves it to a paper book', async () => {
      const before = (await backend.get('/api/strategy-chat/approvals')).length
      const page = await stack.open(viewport, '/chat', scheme)
      await page.getByTestId('mode-strategy').click()
      await page.getByTestId('strategy-input').fill('buy SPY when RSI(14) falls below 30 and sell above 70')
      await page.getByTestId('strategy-send').click()
      const first = page.locator('[data-testid="strategy-version"][data-version="1"]')
      await first.waitFor({ timeout: 60_000 })
      assert.match(await first.getByTestId('spec-words').textContent(), /Buy SPY when RSI\(14\)/)
      assert.ok((await first.getByTestId('equity-path').getAttribute('d')).startsWith('M'), 'the equity curve is drawn')
      assert.match(await first.getByTestId('strategy-reply').textContent(), /Walk-forward over \d+ folds/)
      const scenarios = await backend.get('/api/simulation/scenarios')
      await first.getByTestId('stress-table').waitFor({ timeout: 60_000 }) // follows the first result
      assert.equal(await first.getByTestId('stress-row').count(), scenarios.length, 'one stress row per scenario')

      await page.getByTestId('strategy-input').fill('add a stop at 2 ATR')
      await page.getByTestId('strategy-send').click()
      const second = page.locator('[data-testid="strategy-version"][data-version="2"]')
      await second.waitFor({ timeout: 60_000 })
      assert.match(await second.getByTestId('spec-diff').textContent(), /strategy\.stop/)

      let approvals = await backend.get('/api/strategy-chat/approvals')
      assert.equal(approvals.length, before, 'turns alone save nothing')
      const form = second.getByTestId('approval-form')
      await form.locator('input[name="approved_by"]').fill('Ada Lovelace')
      await form.locator('input[name="book"]').fill(book)
      await form.locator('input[name="weight"]').fill('0.5')
      await form.getByRole('button', { name: 'Approve (paper only)' }).click()
      await second.getByTestId('approval-done').waitFor({ timeout: 30_000 })
      assert.match(await second.getByTestId('approval-done').textContent(), new RegExp(`paper book ${book} \\(version 1\\)`))

      approvals = await backend.get('/api/strategy-chat/approvals')
      const mine = approvals.filter((approval) => approval.book === book)
      assert.equal(mine.length, 1)
      assert.equal(mine[0].approved_by, 'Ada Lovelace')
      assert.equal(mine[0].mode, 'paper')
      await fitsTheScreen(page)
      await screenshot(page, `${viewport}-${scheme}-strategy-chat`)
      await page.context().close()
    })
  })
}
