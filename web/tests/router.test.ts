import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { createAppRouter, sendToLogin } from '@/router'
import { useAuthStore } from '@/stores/auth'

beforeEach(() => setActivePinia(createPinia()))

describe('router', () => {
  it('sends a visitor without a key to /login, remembering where they were going', async () => {
    const router = createAppRouter(createMemoryHistory())

    await router.push('/symbols/AAPL')

    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/symbols/AAPL')
  })

  it('opens the pages once a key is set, with / leading to the monitor', async () => {
    useAuthStore().signIn('secret')
    const router = createAppRouter(createMemoryHistory())

    await router.push('/')

    expect(router.currentRoute.value.name).toBe('monitor')
    expect(document.title).toBe('Data Monitor · Tetra')
  })

  it('opens the database chat at /chat', async () => {
    useAuthStore().signIn('secret')
    const router = createAppRouter(createMemoryHistory())

    await router.push('/chat')

    expect(router.currentRoute.value.name).toBe('chat')
    expect(document.title).toBe('Chat · Tetra')
  })

  it('opens the risk page at /risk', async () => {
    useAuthStore().signIn('secret')
    const router = createAppRouter(createMemoryHistory())

    await router.push('/risk')

    expect(router.currentRoute.value.name).toBe('risk')
    expect(document.title).toBe('Risk · Tetra')
  })

  it('opens the models at /models', async () => {
    useAuthStore().signIn('secret')
    const router = createAppRouter(createMemoryHistory())

    await router.push('/models')

    expect(router.currentRoute.value.name).toBe('models')
    expect(document.title).toBe('Models · Tetra')
  })

  it('after a refused key returns to /login and says why', async () => {
    useAuthStore().signIn('secret')
    const router = createAppRouter(createMemoryHistory())
    await router.push('/strategies')
    useAuthStore().signOut()

    sendToLogin(router)
    await router.isReady()
    await new Promise((resolve) => setTimeout(resolve))

    expect(router.currentRoute.value.query).toEqual({ redirect: '/strategies', reason: 'unauthorized' })
  })
})
