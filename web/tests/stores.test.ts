import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { API_KEY_STORAGE_KEY, useAuthStore } from '@/stores/auth'
import { THEME_STORAGE_KEY, useThemeStore } from '@/stores/theme'

beforeEach(() => setActivePinia(createPinia()))

describe('auth store', () => {
  it('keeps the signed-in key in localStorage and forgets it on sign-out', async () => {
    const auth = useAuthStore()

    auth.signIn('  secret ')
    await nextTick()
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBe('"secret"')

    auth.signOut()
    await nextTick()
    expect(auth.isSignedIn).toBe(false)
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull()
  })

  it('starts signed in when a key was stored earlier', () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, '"kept"')

    expect(useAuthStore().apiKey).toBe('kept')
  })
})

describe('theme store', () => {
  it('toggles the dark class on <html> and remembers the choice', async () => {
    const theme = useThemeStore()
    expect(theme.isDark).toBe(false) // jsdom has no matchMedia: the system reads as light

    theme.toggle()
    await nextTick()

    expect(document.documentElement.classList.contains('dark')).toBe(true)
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('"dark"')
  })
})
