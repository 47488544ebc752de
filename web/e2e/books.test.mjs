// Books and scheduled runs against a real backend (sample store, `tetra serve`), at desktop and
// phone widths: a recommend book's versions and the form that confirms its holdings on the
// Reports page (read back from the API), and the monitor's card of missed and failed runs.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

const configDir = mkdtempSync(join(tmpdir(), 'tetra-e2e-books-'))
let stack

before(async () => {
  const config = join(configDir, 'tetra.toml')
  writeFileSync(
    config,
    [
      '[books.e2e]',
      'capital = 100000',
      'symbols = ["SPY", "QQQ"]',
      'mode = "recommend"',
      'strategies = [{ strategy = "sma_crossover", weight = 0.5, params = { fast = 20, slow = 50 } }]',
      '',
    ].join('\n'),
  )
  process.env.TETRA_CONFIG = config
  stack = await startStack({ prepare: [['cycle', 'run', '--sample', '--book', 'e2e']] })
})

after(async () => {
  await stack?.stop()
  rmSync(configDir, { recursive: true, force: true })
})

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`books on ${viewport} (${scheme})`, () => {
    it("confirms a recommend book's holdings from the Reports page", async () => {
      const page = await stack.open(viewport, '/reports', scheme)
      const panel = page.getByTestId('books-panel')
      await panel.getByTestId('book-version').first().waitFor()
      assert.match(await panel.getByTestId('book-version').first().textContent(), /v1 .* first version/)

      const cash = viewport === 'phone' ? '25000.5' : '50000'
      await panel.getByTestId('holdings-cash').fill(cash)
      await panel.getByLabel('SPY quantity').fill('10')
      await panel.getByLabel('SPY average cost').fill('412.5')
      await panel.getByTestId('holdings-confirm').click()
      await panel.getByTestId('holdings-note').waitFor()

      const held = await stack.backend.get('/api/books/e2e/holdings')
      assert.equal(Number(held.cash), Number(cash))
      assert.deepEqual(
        held.positions.map((p) => [p.symbol, Number(p.quantity), Number(p.average_cost)]),
        [['SPY', 10, 412.5]],
      )
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(wide <= 1, `the page is ${wide}px wider than the screen`)
      await screenshot(page, `${viewport}-${scheme}-books-panel`)
      await page.context().close()
    })

    it('shows the scheduled runs card on the monitor', async () => {
      const expected = await stack.backend.get('/api/monitor/run-issues')
      const page = await stack.open(viewport, '/monitor', scheme)
      const count = page.getByTestId('run-issues-count')
      await count.waitFor()
      const n = expected.issues.length
      assert.equal(await count.textContent(), n ? `${n} missed or failed` : 'all ran')
      await page.context().close()
    })
  })
}
