import { computed, type ComputedRef } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import type { IconName } from '@/components/AppIcon.vue'
import { useUiStore } from '@/stores/ui'

export interface NavItem {
  /** The route name that marks the item active. */
  name: string
  label: string
  icon: IconName
  to: RouteLocationRaw
}

/** The sections of the app, shared by the side nav and the bottom tab bar. */
export function useNavItems(): ComputedRef<NavItem[]> {
  const ui = useUiStore()
  return computed(() => [
    { name: 'monitor', label: 'Monitor', icon: 'monitor', to: { name: 'monitor' } },
    { name: 'symbol', label: 'Symbol', icon: 'candles', to: { name: 'symbol', params: { symbol: ui.lastSymbol } } },
    { name: 'strategies', label: 'Strategies', icon: 'strategy', to: { name: 'strategies' } },
    { name: 'macro', label: 'Macro', icon: 'percent', to: { name: 'macro' } },
    { name: 'pipeline', label: 'Pipeline', icon: 'database', to: { name: 'pipeline' } },
    { name: 'orders', label: 'Orders', icon: 'table', to: { name: 'orders' } },
    { name: 'risk', label: 'Risk', icon: 'shield', to: { name: 'risk' } },
    { name: 'models', label: 'Models', icon: 'chart', to: { name: 'models' } },
    { name: 'simulation', label: 'Simulate', icon: 'fan', to: { name: 'simulation' } },
    { name: 'reports', label: 'Reports', icon: 'inbox', to: { name: 'reports' } },
    { name: 'chat', label: 'Chat', icon: 'chat', to: { name: 'chat' } },
  ])
}
