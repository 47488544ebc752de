// Research on the Strategies page against a real backend (sample store, `tetra serve`), at
// desktop and phone widths: a butterfly keeps the legs in the order typed and names their
// roles; the page scrolls to the result, which has its own URL; a 422 shows next to the field
// and leaves when the field changes; a run is found by filter and deleted.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startStack } from './backend.mjs'
import { screenshot } from './harness.mjs'

let stack

before(async () => {
  stack = await startStack()
})

after(async () => {
  await stack?.stop()
})

async function openForm(viewport, colorScheme, path = '/strategies') {
  const page = await stack.open(viewport, path, colorScheme)
  await page.getByTestId('strategy-form').waitFor()
  return page
}

async function fitsTheScreen(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`)
}

for (const viewport of ['desktop', 'phone']) {
  const scheme = viewport === 'phone' ? 'dark' : 'light'

  describe(`research on ${viewport} (${scheme})`, () => {
    it('keeps a butterfly’s legs in the order typed, names their roles and gives the run a URL', async () => {
      const page = await openForm(viewport, scheme)
      await page.getByTestId('strategy-select').selectOption('butterfly')
      await page.locator('#symbols').fill('SHY, IEF, TLT')
      await page.getByRole('button', { name: 'Run backtest' }).click()

      const legs = page.getByTestId('run-legs')
      await legs.waitFor({ timeout: 60_000 })
      assert.match(await page.getByTestId('leg-0').textContent(), /SHY.*short wing/)
      assert.match(await page.getByTestId('leg-1').textContent(), /IEF.*body \(-2\)/)
      assert.match(await page.getByTestId('leg-2').textContent(), /TLT.*long wing/)
      await page.waitForURL(/[?&]run=/)
      const runId = new URL(page.url()).searchParams.get('run')
      const detail = await stack.backend.get(`/api/backtests/runs/${encodeURIComponent(runId)}`)
      assert.deepEqual(detail.params.symbols, ['SHY', 'IEF', 'TLT'])
      // The form's default benchmark (SPY) gives alpha and beta.
      assert.equal(detail.params.benchmark, 'SPY')
      assert.equal(typeof detail.metrics.beta, 'number')
      const beta = page.getByTestId('metrics-table').locator('div', { has: page.getByText('Beta', { exact: true }) })
      assert.doesNotMatch(await beta.locator('dd').textContent(), /—/)
      const counts = await page.getByTestId('trade-counts').textContent()
      assert.match(counts, new RegExp(`${detail.trades_closed} closed, ${detail.trades_open} open`))

      // The result is brought into view (on a phone it sits below the form).
      await page.waitForFunction(() => {
        const top = document.querySelector('[data-testid="run-results"]')?.getBoundingClientRect().top
        return top !== undefined && top < window.innerHeight && top > -window.innerHeight
      })
      await fitsTheScreen(page)
      await screenshot(page, `${viewport}-${scheme}-research-butterfly-legs`)

      // The run's URL opens the same run in a new page.
      const again = await openForm(viewport, scheme, `/strategies?run=${encodeURIComponent(runId)}`)
      await again.getByTestId('run-legs').waitFor({ timeout: 30_000 })
      assert.match(await again.getByTestId('leg-0').textContent(), /SHY/)
      await again.context().close()
      await page.context().close()
    })

    it('shows a 422 next to the parameters and clears it when a parameter changes', async () => {
      const page = await openForm(viewport, scheme)
      await page.locator('#symbols').fill('SPY')
      await page.getByLabel('Fast').fill('300')
      await page.getByLabel('Slow').fill('50')
      await page.getByRole('button', { name: 'Run backtest' }).click()

      const error = page.getByTestId('error-params')
      await error.waitFor()
      assert.match(await error.textContent(), /fast \(300\) must be shorter than slow \(50\)/)
      assert.doesNotMatch(await page.getByRole('alert').first().textContent(), /not valid/)
      await screenshot(page, `${viewport}-${scheme}-research-field-error`)

      await page.getByLabel('Fast').fill('10')
      await error.waitFor({ state: 'detached' })
      await page.context().close()
    })
  })
}

describe('past runs', () => {
  it('filters runs by strategy and symbol and deletes one', async () => {
    const page = await openForm('desktop', 'light')
    const list = page.getByTestId('runs-list')
    await list.getByTestId('run-symbols').first().waitFor()

    await page.getByTestId('runs-filter-strategy').selectOption('butterfly')
    await list.getByText('SHY, IEF, TLT').first().waitFor()
    const butterflies = await stack.backend.get('/api/backtests/runs?strategy=butterfly')
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-symbols"]').length === n, butterflies.total)

    await page.getByTestId('runs-filter-symbol').fill('ZZZ')
    await list.getByText('No run matches.').waitFor()
    await page.getByTestId('runs-filter-symbol').fill('')
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-symbols"]').length === n, butterflies.total)

    page.once('dialog', (dialog) => dialog.accept())
    await list.getByTestId('delete-run').first().click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="run-symbols"]').length === n, butterflies.total - 1)
    const left = await stack.backend.get('/api/backtests/runs?strategy=butterfly')
    assert.equal(left.total, butterflies.total - 1)
    await screenshot(page, 'desktop-light-research-runs-filtered')
    await page.context().close()
  })
})
