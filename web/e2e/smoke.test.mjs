// The shell renders and behaves at desktop and phone widths, in light and dark, against an
// unreachable API and a stubbed one; the built app installs a service worker and loads offline.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { launchBrowser, newPage, screenshot, startPreview } from './harness.mjs'

const SIGNED_IN = { 'tetra.apiKey': 'e2e-key' }

let preview
let browser

before(async () => {
  preview = await startPreview()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await preview?.stop()
})

async function open(viewport, path, options = {}) {
  const page = await newPage(browser, viewport, { baseURL: preview.url, storage: SIGNED_IN, ...options })
  await page.goto(path)
  return page
}

async function box(page, testId) {
  const locator = page.getByTestId(testId)
  return (await locator.isVisible()) ? locator.boundingBox() : null
}

describe('app shell', () => {
  it('shows a side nav beside the page on desktop, and the API error with a retry', async () => {
    const page = await open('desktop', '/monitor')

    await page.getByRole('alert').waitFor()
    const side = await box(page, 'side-nav')
    assert.ok(side && side.x === 0 && side.width > 150, `side nav at ${JSON.stringify(side)}`)
    assert.equal(await box(page, 'bottom-nav'), null)
    assert.equal(await page.getByTestId('page-title').textContent(), 'Data Monitor')
    assert.match(await page.getByRole('alert').textContent(), /not reachable \(HTTP 502\)/)
    assert.ok(await page.getByRole('button', { name: 'Retry' }).isVisible())
    await screenshot(page, 'desktop-light-monitor')
    await page.context().close()
  })

  it('collapses the side nav to icons and remembers it', async () => {
    const page = await open('desktop', '/strategies')

    await page.getByTestId('nav-toggle').click()
    await page.reload()
    await page.getByRole('alert').first().waitFor()

    assert.equal((await box(page, 'side-nav')).width, 64)
    await screenshot(page, 'desktop-light-collapsed')
    await page.context().close()
  })

  it('turns the nav into a bottom tab bar on a phone', async () => {
    const page = await open('phone', '/monitor')

    await page.getByRole('alert').waitFor()
    const bottom = await box(page, 'bottom-nav')
    assert.equal(await box(page, 'side-nav'), null)
    assert.equal(await box(page, 'nav-toggle'), null)
    assert.ok(bottom && bottom.width === 390 && bottom.y + bottom.height === 844, `bottom nav at ${JSON.stringify(bottom)}`)
    await screenshot(page, 'phone-light-monitor')
    await page.getByRole('link', { name: 'Strategies' }).click()
    await page.waitForURL('**/strategies')
    assert.equal(await page.getByTestId('page-title').textContent(), 'Strategy analysis')
    await page.context().close()
  })

  for (const viewport of ['desktop', 'phone']) {
    it(`follows a dark system theme on ${viewport}, and the toggle overrides it`, async () => {
      const page = await open(viewport, '/symbols/AAPL', { colorScheme: 'dark' })

      await page.getByRole('alert').first().waitFor()
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), true)
      assert.equal(await page.getByTestId('page-title').textContent(), 'AAPL')
      await screenshot(page, `${viewport}-dark-symbol`)
      await page.getByTestId('theme-toggle').click()
      await page.reload()
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), false)
      await page.context().close()
    })
  }
})

describe('sign-in', () => {
  it('asks for the key first, then opens the page that was asked for', async () => {
    const page = await open('phone', '/strategies', { storage: {} })

    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/strategies')
    await screenshot(page, 'phone-light-login')
    await page.route('**/api/backtests/strategies', (route) => route.fulfill({ json: [] }))
    await page.route((url) => url.pathname === '/api/backtests/runs', (route) => route.fulfill({ json: { items: [], total: 0, offset: 0, limit: 100 } }))
    await page.getByLabel('API key').fill('the-key')
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.waitForURL('**/strategies')
    await page.getByText('No stored run yet: run a backtest.').waitFor()
    assert.equal(await page.evaluate(() => localStorage.getItem('tetra.apiKey')), '"the-key"')
    await screenshot(page, 'phone-light-strategies-empty')
    await page.context().close()
  })

  it('sends the key in X-API-Key and goes back to /login when it is refused', async () => {
    const page = await newPage(browser, 'desktop', { baseURL: preview.url, storage: SIGNED_IN })
    let sentKey = null
    await page.route('**/api/monitor/coverage', (route) => {
      sentKey = route.request().headers()['x-api-key']
      return route.fulfill({ status: 401, json: { error: { code: 'unauthorized', message: 'missing or wrong X-API-Key' } } })
    })

    await page.goto('/monitor')

    await page.waitForURL(
      (url) => url.pathname === '/login' && url.searchParams.get('reason') === 'unauthorized' && url.searchParams.get('redirect') === '/monitor',
    )
    assert.equal(sentKey, 'e2e-key')
    assert.match(await page.getByRole('alert').textContent(), /refused the key/)
    await screenshot(page, 'desktop-light-login-refused')
    await page.context().close()
  })
})

describe('progressive web app', () => {
  it('links a manifest and, once its service worker is active, loads offline', async () => {
    const page = await open('phone', '/monitor')

    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]')
      return link ? (await fetch(link.href)).json() : null
    })
    assert.equal(manifest?.name, 'Tetra')
    assert.ok(manifest.icons.some((icon) => icon.sizes === '512x512' && icon.purpose === 'maskable'))
    await page.evaluate(() => navigator.serviceWorker.ready)
    await page.context().setOffline(true)
    await page.reload()

    assert.equal(await page.getByTestId('page-title').textContent(), 'Data Monitor')
    await page.getByRole('alert').waitFor()
    await page.context().close()
  })
})
