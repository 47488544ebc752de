// A real Tetra API for the browser tests: a sample store of two years loaded into a temp
// TETRA_DATA_DIR, then `tetra serve --sample` on a free port with a known API key.
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, launchBrowser, newPage, startPreview } from './harness.mjs'

// The repository's own virtualenv, wherever the checkout lives (CI clones elsewhere).
export const TETRA =
  process.env.TETRA_BIN ?? fileURLToPath(new URL('../../.venv/bin/tetra', import.meta.url))
/** The virtualenv's Python, for a `prepare` step written as Python (`{ python: code }`). */
export const PYTHON = process.env.TETRA_PYTHON ?? fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
export const API_KEY = 'e2e-test-key'
/** How long `tetra serve` may take to answer (a loaded machine needs more): E2E_SERVE_TIMEOUT_MS. */
export const SERVE_TIMEOUT_MS = Number(process.env.E2E_SERVE_TIMEOUT_MS ?? 90_000)

function run(args, env, program = TETRA) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tetra ${args.join(' ')} exited ${code}: ${stderr}`))))
  })
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tetra serve exited ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new Error(`tetra serve did not answer within ${timeoutMs} ms`)
}

/**
 * Load the sample store and serve it; returns { url, port, key, env, get(path), post(path, body), stop }. `prepare`
 * lists more `tetra` commands (argument arrays) to run on the loaded store before serving, or
 * `{ python: code }` steps run by the virtualenv's Python with the store's TETRA_DATA_DIR.
 */
/** Load the two-year sample store into `dataDir` (a TETRA_DATA_DIR). */
export async function loadSample(dataDir) {
  await run(['sample', 'load', '--years', '2'], { ...process.env, TETRA_DATA_DIR: dataDir })
}

export async function startBackend({ port, prepare = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tetra-e2e-'))
  const env = { ...process.env, TETRA_DATA_DIR: dataDir, TETRA_API_KEY: API_KEY }
  // e2e/run.mjs loads the sample once into a template; a test file run alone loads its own
  const template = process.env.E2E_SAMPLE_TEMPLATE
  if (template) cpSync(template, dataDir, { recursive: true })
  else await loadSample(dataDir)
  for (const step of prepare) await (Array.isArray(step) ? run(step, env) : run(['-c', step.python], env, PYTHON))
  const chosen = port ?? (await freePort())
  const child = spawn(TETRA, ['serve', '--sample', '--port', String(chosen)], { env, stdio: 'ignore' })
  const url = `http://127.0.0.1:${chosen}`
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        rmSync(dataDir, { recursive: true, force: true })
        resolve()
      }
      if (child.exitCode !== null) return done()
      child.once('exit', done)
      child.kill()
    })
  try {
    await waitForHealth(url, child, SERVE_TIMEOUT_MS) // a loaded 2-core machine takes 20 s and more
  } catch (error) {
    await stop()
    throw error
  }
  const get = async (path) => {
    const response = await fetch(`${url}${path}`, { headers: { 'X-API-Key': API_KEY } })
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`)
    return response.json()
  }
  /** POST `body` as JSON; answers { status, body } whatever the status, for tests of refusals. */
  const post = async (path, body) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: await response.json() }
  }
  return { url, port: chosen, key: API_KEY, env, get, post, stop }
}

/**
 * The whole stack for a page test: the backend and the built app (started side by side) and a
 * browser. Returns { backend, preview, browser, open(viewport, path, colorScheme), stop }.
 * `prepare`: more `tetra` commands for the store before it is served (see startBackend).
 */
export async function startStack({ prepare = [] } = {}) {
  const apiPort = await freePort()
  const started = await Promise.allSettled([
    startBackend({ port: apiPort, prepare }),
    startPreview({ apiUrl: `http://127.0.0.1:${apiPort}` }),
  ])
  const failed = started.find((outcome) => outcome.status === 'rejected')
  if (failed) {
    // stop whichever half did start, or the test process waits on it forever
    await Promise.all(started.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value.stop()))
    throw failed.reason
  }
  const [backend, preview] = started.map((outcome) => outcome.value)
  const browser = await launchBrowser()
  const open = async (viewport, path, colorScheme = 'light') => {
    const page = await newPage(browser, viewport, { baseURL: preview.url, storage: { 'tetra.apiKey': backend.key }, colorScheme })
    await page.goto(path)
    return page
  }
  const stop = async () => {
    await browser.close()
    await preview.stop()
    await backend.stop()
  }
  return { backend, preview, browser, open, stop }
}
