import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { LiveSocket, monitorSocketUrl, type LiveEvent, type LiveStatus } from '@/lib/liveSocket'
import { useAuthStore } from './auth'

type Listener = (event: LiveEvent) => void

/**
 * The one live connection of the app (`/ws/monitor`), opened while signed in. Pages listen with
 * `listen(handler)` and call the returned function when they unmount.
 */
export const useLiveStore = defineStore('live', () => {
  const auth = useAuthStore()
  const status = ref<LiveStatus>('closed')
  const listeners = new Set<Listener>()
  let socket: LiveSocket | null = null

  function connect(key: string | null): void {
    socket?.stop()
    socket = null
    if (!key || typeof WebSocket === 'undefined') return
    socket = new LiveSocket({
      url: monitorSocketUrl(window.location, key),
      onStatus: (next) => (status.value = next),
      onEvent: (event) => listeners.forEach((listener) => listener(event)),
    })
    socket.start()
  }

  function listen(listener: Listener): () => void {
    if (socket === null) connect(auth.apiKey)
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  watch(() => auth.apiKey, (key) => { if (socket !== null || listeners.size) connect(key) })

  return { status, listen }
})
