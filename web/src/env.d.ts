/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Prefix of every API call: "/api" (the default) goes through the dev/preview proxy; "" is same origin. */
  readonly VITE_API_BASE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
