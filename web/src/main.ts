import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { registerSW } from 'virtual:pwa-register'
import { createApiClient, installApi } from './api'
import App from './App.vue'
import { createAppRouter, sendToLogin } from './router'
import { useAuthStore } from './stores/auth'
import './style.css'

const app = createApp(App)
app.use(createPinia())
const router = createAppRouter()
app.use(router)

const auth = useAuthStore()
installApi(
  createApiClient({
    baseUrl: import.meta.env.VITE_API_BASE_URL ?? '',
    apiKey: () => auth.apiKey,
    onUnauthorized: () => {
      auth.signOut()
      sendToLogin(router)
    },
  }),
)

app.mount('#app')
registerSW({ immediate: true })
