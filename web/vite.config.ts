import { fileURLToPath, URL } from 'node:url'
import tailwindcss from '@tailwindcss/vite'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type ProxyOptions } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const THEME_COLOR = '#0f172a'

/** Forward the API's paths (they already start with /api, /healthz, /metrics, /ws) unchanged. */
function apiProxy(): Record<string, ProxyOptions> {
  const target = process.env.TETRA_API_URL ?? 'http://127.0.0.1:8000'
  return {
    '/api': { target, changeOrigin: true },
    '/healthz': { target, changeOrigin: true },
    '/metrics': { target, changeOrigin: true },
    '/ws': { target, changeOrigin: true, ws: true },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    tailwindcss(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: 'Tetra',
        short_name: 'Tetra',
        description: 'Self-hosted quant platform: data monitor, symbols and strategy analysis.',
        theme_color: THEME_COLOR,
        background_color: THEME_COLOR,
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/, /^\/metrics/, /^\/ws\//],
      },
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: apiProxy() },
  preview: { proxy: apiProxy() },
  build: { chunkSizeWarningLimit: 600 },
})
