import { defineStore } from 'pinia'
import { computed } from 'vue'
import { persistedRef } from './persisted'

export const API_KEY_STORAGE_KEY = 'tetra.apiKey'

/** The API key sent as X-API-Key; entered once on /login and kept in localStorage. */
export const useAuthStore = defineStore('auth', () => {
  const apiKey = persistedRef<string | null>(API_KEY_STORAGE_KEY, null)
  const isSignedIn = computed(() => apiKey.value !== null && apiKey.value !== '')

  function signIn(key: string): void {
    apiKey.value = key.trim()
  }

  function signOut(): void {
    apiKey.value = null
  }

  return { apiKey, isSignedIn, signIn, signOut }
})
