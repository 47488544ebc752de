import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import { useAuthStore } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    title: string
    /** Reachable without an API key, and drawn without the app shell. */
    public?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'monitor' } },
  { path: '/monitor', name: 'monitor', component: () => import('./pages/MonitorPage.vue'), meta: { title: 'Data Monitor' } },
  {
    path: '/symbols/:symbol',
    name: 'symbol',
    component: () => import('./pages/SymbolPage.vue'),
    props: true,
    meta: { title: 'Symbol' },
  },
  {
    path: '/strategies',
    name: 'strategies',
    component: () => import('./pages/StrategiesPage.vue'),
    meta: { title: 'Strategy analysis' },
  },
  {
    path: '/walk-forward',
    name: 'walk-forward',
    component: () => import('./pages/WalkForwardPage.vue'),
    meta: { title: 'Walk-forward' },
  },
  { path: '/macro', name: 'macro', component: () => import('./pages/MacroPage.vue'), meta: { title: 'Macro' } },
  { path: '/pipeline', name: 'pipeline', component: () => import('./pages/PipelinePage.vue'), meta: { title: 'Pipeline' } },
  { path: '/orders', name: 'orders', component: () => import('./pages/OrdersPage.vue'), meta: { title: 'Orders & Positions' } },
  { path: '/risk', name: 'risk', component: () => import('./pages/RiskPage.vue'), meta: { title: 'Risk' } },
  { path: '/models', name: 'models', component: () => import('./pages/ModelsPage.vue'), meta: { title: 'Models' } },
  {
    path: '/simulation',
    name: 'simulation',
    component: () => import('./pages/SimulationPage.vue'),
    meta: { title: 'Simulation' },
  },
  { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue'), meta: { title: 'Reports' } },
  { path: '/chat', name: 'chat', component: () => import('./pages/ChatPage.vue'), meta: { title: 'Chat' } },
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: 'Sign in', public: true } },
  { path: '/:unknown(.*)*', redirect: { name: 'monitor' } },
]

/** The app's router: pages other than /login need an API key, else they send you to /login first. */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)): Router {
  const router = createRouter({ history, routes })
  router.beforeEach((to) => {
    if (to.meta.public || useAuthStore().isSignedIn) return true
    return { name: 'login', query: { redirect: to.fullPath } }
  })
  router.afterEach((to) => {
    const page = to.name === 'symbol' ? String(to.params.symbol) : to.meta.title
    document.title = page ? `${page} · Tetra` : 'Tetra'
  })
  return router
}

/** After a 401 the key is dropped and the user asked for it again, then brought back here. */
export function sendToLogin(router: Router): void {
  const current = router.currentRoute.value
  if (current.name === 'login') return
  void router.push({ name: 'login', query: { redirect: current.fullPath, reason: 'unauthorized' } })
}
