import { defineStore } from 'pinia'
import { computed, ref, watchEffect } from 'vue'
import { persistedRef } from './persisted'

export type ThemePreference = 'system' | 'light' | 'dark'

export const THEME_STORAGE_KEY = 'tetra.theme'
const THEME_COLORS = { light: '#f8fafc', dark: '#0f172a' } as const

function systemQuery(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
}

/** Light or dark: follows prefers-color-scheme until the user picks one, then remembers the pick. */
export const useThemeStore = defineStore('theme', () => {
  const preference = persistedRef<ThemePreference>(THEME_STORAGE_KEY, 'system')
  const query = systemQuery()
  const systemDark = ref(query?.matches ?? false)
  query?.addEventListener('change', (event) => (systemDark.value = event.matches))

  const isDark = computed(() =>
    preference.value === 'system' ? systemDark.value : preference.value === 'dark',
  )

  function toggle(): void {
    preference.value = isDark.value ? 'light' : 'dark'
  }

  watchEffect(() => {
    document.documentElement.classList.toggle('dark', isDark.value)
    const meta = document.querySelector('meta[name="theme-color"]')
    meta?.setAttribute('content', isDark.value ? THEME_COLORS.dark : THEME_COLORS.light)
  })

  return { preference, isDark, toggle }
})
