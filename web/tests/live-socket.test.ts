import { describe, expect, it, vi } from 'vitest'
import { backoffDelay, CLOSE_UNAUTHORIZED, LiveSocket, monitorSocketUrl, type LiveStatus } from '@/lib/liveSocket'

class FakeSocket {
  onopen: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  close = vi.fn()
  constructor(readonly url: string) {}
  open() { this.onopen?.(new Event('open')) }
  send(data: string) { this.onmessage?.({ data } as MessageEvent) }
  drop(code = 1006) { this.onclose?.({ code } as CloseEvent) }
}

function harness() {
  const sockets: FakeSocket[] = []
  const timers: { run: () => void; ms: number }[] = []
  const statuses: LiveStatus[] = []
  const events: unknown[] = []
  const live = new LiveSocket({
    url: 'ws://host/ws/monitor?key=k',
    onEvent: (event) => events.push(event),
    onStatus: (status) => statuses.push(status),
    createSocket: (url) => {
      const socket = new FakeSocket(url)
      sockets.push(socket)
      return socket
    },
    random: () => 0,
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => undefined,
  })
  return { live, sockets, timers, statuses, events }
}

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const options = { baseMs: 1000, maxMs: 30_000, jitter: 0 }
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })

  it('takes up to the jitter share off at random', () => {
    const options = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 }
    expect(backoffDelay(2, options, () => 1)).toBe(3200)
    expect(backoffDelay(2, options, () => 0)).toBe(4000)
  })
})

describe('LiveSocket', () => {
  it('forwards JSON events and ignores anything else', () => {
    const { live, sockets, events } = harness()
    live.start()
    sockets[0]!.open()
    sockets[0]!.send('{"type":"coverage_changed"}')
    sockets[0]!.send('not json')
    sockets[0]!.send('{"no":"type"}')
    expect(events).toEqual([{ type: 'coverage_changed' }])
  })

  it('reconnects after a drop with growing waits, and an open socket resets them', () => {
    const { live, sockets, timers, statuses } = harness()
    live.start()
    sockets[0]!.drop()
    timers.shift()!.run()
    sockets[1]!.drop()
    expect(timers.map((t) => t.ms)).toEqual([2000])
    timers.shift()!.run()
    sockets[2]!.open()
    sockets[2]!.drop()

    expect(timers.map((t) => t.ms)).toEqual([1000])
    expect(sockets).toHaveLength(3)
    expect(statuses).toEqual(['connecting', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'open', 'reconnecting'])
  })

  it('stops for a refused key instead of retrying', () => {
    const { live, sockets, timers, statuses } = harness()
    live.start()
    sockets[0]!.drop(CLOSE_UNAUTHORIZED)
    expect(timers).toHaveLength(0)
    expect(statuses.at(-1)).toBe('unauthorized')
  })

  it('does not reconnect once stopped', () => {
    const { live, sockets, timers } = harness()
    live.start()
    live.stop()
    sockets[0]!.drop()
    expect(sockets[0]!.close).toHaveBeenCalledWith(1000)
    expect(timers).toHaveLength(0)
  })

  it('builds a ws or wss URL on the page origin with the key', () => {
    expect(monitorSocketUrl({ protocol: 'https:', host: 'tetra.example' }, 'a b')).toBe('wss://tetra.example/ws/monitor?key=a%20b')
    expect(monitorSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173' }, 'k')).toBe('ws://127.0.0.1:5173/ws/monitor?key=k')
  })
})
