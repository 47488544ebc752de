// One writer (#20 item 5) in the browser: with `tetra serve` holding the sample store, a CLI
// command is handed to the server (its exit code and output come back to the terminal) and
// the Monitor page lists it in the server's job queue, at desktop and phone widths.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { startStack, TETRA } from './backend.mjs'
import { screenshot } from './harness.mjs'

let stack
let handed

before(async () => {
  stack = await startStack()
  handed = spawnSync(TETRA, ['store', 'info', '--sample'], { env: stack.backend.env, encoding: 'utf8' })
})

after(async () => {
  await stack?.stop()
})

describe('a CLI command while the app serves the store', () => {
  it('runs in the server and ends with its own output and exit code', () => {
    assert.equal(handed.status, 0, handed.stderr)
    assert.match(handed.stderr.replace(/\s+/g, ' '), /held by `tetra serve` .* running `tetra store info` there/)
    assert.match(handed.stdout, /market_data\.ohlcv/)
  })

  for (const viewport of ['desktop', 'phone']) {
    it(`shows in the Monitor page's job queue on ${viewport}`, async () => {
      const page = await stack.open(viewport, '/monitor')
      const row = page.getByTestId('jobs-panel').getByTestId('job-row').first()
      await row.waitFor()
      assert.match(await row.textContent(), /tetra store info --sample/)
      assert.equal(await row.getAttribute('data-status'), 'done')
      assert.match(await row.textContent(), /exit code 0/)
      assert.equal(await page.getByTestId('job-cancel').count(), 0) // nothing left to cancel
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(wide <= 1, `the page scrolls sideways by ${wide}px`)
      await screenshot(page, `${viewport}-monitor-jobs`)
      await page.close()
    })
  }
})
