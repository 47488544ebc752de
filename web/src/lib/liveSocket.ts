/**
 * A WebSocket to `/ws/monitor` that reconnects by itself: after a drop it waits
 * `backoffDelay(attempt)` (exponential, capped, with jitter) and tries again; an open socket
 * resets the count. The server closes with 4401 for a wrong key: then it stops and says so.
 */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed'

export interface LiveEvent {
  type: string
  [field: string]: unknown
}

export const CLOSE_UNAUTHORIZED = 4401

export interface BackoffOptions {
  baseMs: number
  maxMs: number
  /** 0..1: the share of the delay drawn at random, so clients do not reconnect in step. */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 }

/** The wait before reconnect attempt `attempt` (0-based): base * 2^attempt, capped, jittered down. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt))
  return Math.round(capped * (1 - options.jitter * random()))
}

export function monitorSocketUrl(location: Pick<Location, 'protocol' | 'host'>, key: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws/monitor?key=${encodeURIComponent(key)}`
}

interface SocketLike {
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  close: (code?: number) => void
}

export interface LiveSocketOptions {
  url: string
  onEvent: (event: LiveEvent) => void
  onStatus: (status: LiveStatus) => void
  createSocket?: (url: string) => SocketLike
  backoff?: BackoffOptions
  random?: () => number
  setTimer?: (run: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

export class LiveSocket {
  private socket: SocketLike | null = null
  private timer: unknown = null
  private attempt = 0
  private stopped = false

  constructor(private readonly options: LiveSocketOptions) {}

  /** Reconnect attempts since the last open socket. */
  get attempts(): number {
    return this.attempt
  }

  start(): void {
    this.stopped = false
    this.connect('connecting')
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) (this.options.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>)
    this.timer = null
    const socket = this.socket
    this.socket = null
    socket?.close(1000)
    this.options.onStatus('closed')
  }

  private connect(status: LiveStatus): void {
    this.options.onStatus(status)
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url))
    const socket = create(this.options.url)
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.options.onStatus('open')
    }
    socket.onmessage = (message) => this.receive(message.data)
    socket.onclose = (event) => this.closed(socket, event.code)
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    try {
      const event: unknown = JSON.parse(data)
      if (event && typeof event === 'object' && typeof (event as LiveEvent).type === 'string') this.options.onEvent(event as LiveEvent)
    } catch {
      // not JSON: the server only sends JSON, so ignore it
    }
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket || this.stopped) return
    this.socket = null
    if (code === CLOSE_UNAUTHORIZED) {
      this.options.onStatus('unauthorized')
      return
    }
    const delay = backoffDelay(this.attempt++, this.options.backoff, this.options.random)
    this.options.onStatus('reconnecting')
    this.timer = (this.options.setTimer ?? setTimeout)(() => {
      this.timer = null
      if (!this.stopped) this.connect('reconnecting')
    }, delay)
  }
}
