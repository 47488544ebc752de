import { defineStore } from 'pinia'
import { persistedRef } from './persisted'

export const DEFAULT_SYMBOL = 'SPY'

/** Layout choices that outlive a reload: side nav width, the symbol the Symbol tab opens. */
export const useUiStore = defineStore('ui', () => {
  const sideNavCollapsed = persistedRef('tetra.sideNavCollapsed', false)
  const lastSymbol = persistedRef('tetra.lastSymbol', DEFAULT_SYMBOL)

  function toggleSideNav(): void {
    sideNavCollapsed.value = !sideNavCollapsed.value
  }

  return { sideNavCollapsed, lastSymbol, toggleSideNav }
})
