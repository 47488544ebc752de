import { afterEach } from 'vitest'

afterEach(() => {
  if (typeof document === 'undefined') return // a test file that runs in the node environment
  localStorage.clear()
  document.documentElement.className = ''
})
