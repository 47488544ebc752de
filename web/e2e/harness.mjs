// Browser test harness: Debian's Chromium driven by playwright-core, the built app served by
// `vite preview` on a free 127.0.0.1 port, and screenshots saved to e2e/artifacts/.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url))
export const ARTIFACTS_DIR = fileURLToPath(new URL('./artifacts/', import.meta.url))
const VITE = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url))

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE, ...args], { cwd: WEB_DIR, env, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite ${args[0]} exited ${code}`))))
  })
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

/**
 * Build the app (unless E2E_SKIP_BUILD=1) and serve dist/ with `vite preview`. Its /api proxy
 * points at `apiUrl`, by default a closed port, so the pages meet an unreachable API.
 * Returns { url, stop }.
 */
export async function startPreview({ apiUrl } = {}) {
  const env = { ...process.env, TETRA_API_URL: apiUrl ?? `http://127.0.0.1:${await freePort()}` }
  if (process.env.E2E_SKIP_BUILD !== '1') await run(['build', '--logLevel', 'warn'], env)
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [VITE, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: WEB_DIR, env, stdio: 'ignore' },
  )
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(url, Number(process.env.E2E_SERVE_TIMEOUT_MS ?? 90_000))
  } catch (error) {
    child.kill()
    throw error
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill()
    })
  return { url, stop }
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true })
}

/**
 * A page in a fresh context at a named viewport ('desktop' | 'phone').
 * `storage` pre-fills localStorage (values are JSON-encoded, as the app's stores keep them).
 */
export async function newPage(browser, viewport, { colorScheme = 'light', storage = {}, baseURL } = {}) {
  const phone = viewport === 'phone'
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    colorScheme,
    isMobile: phone,
    hasTouch: phone,
    ...(baseURL ? { baseURL } : {}),
  })
  await context.addInitScript((entries) => {
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, JSON.stringify(value))
  }, storage)
  return context.newPage()
}

/** Save a full-page screenshot as e2e/artifacts/<name>.png and return its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const path = `${ARTIFACTS_DIR}${name}.png`
  await page.screenshot({ path, fullPage: true })
  return path
}
