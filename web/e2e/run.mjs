// Runs the browser tests (`npm run e2e [-- e2e/<file>.test.mjs ...]`): loads the two-year sample
// store once into a template folder, then runs every e2e/*.test.mjs (or the files named) one at a time; each test's backend copies the template
// (startBackend) instead of loading the sample again. The template is removed at the end.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSample } from './backend.mjs'

const template = mkdtempSync(join(tmpdir(), 'tetra-e2e-template-'))
let code = 1
try {
  const started = Date.now()
  await loadSample(template)
  console.log(`sample store loaded once for every test file in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const e2e = fileURLToPath(new URL('.', import.meta.url))
  code = await new Promise((resolve, reject) => {
    const files = process.argv.slice(2) // e.g. e2e/charts.test.mjs; all of e2e/ by default
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...(files.length ? files : [e2e])], {
      env: { ...process.env, E2E_SAMPLE_TEMPLATE: template },
      stdio: 'inherit',
    })
    child.on('error', reject)
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
  })
} finally {
  rmSync(template, { recursive: true, force: true })
}
process.exit(code)
