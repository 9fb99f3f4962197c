import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the UI with hot reload on :5173 and forwards every API path to the
// server started by `npm start` (API_URL, default http://localhost:3000).
const api = process.env.API_URL ?? 'http://localhost:3000';
const toApi = { target: api, changeOrigin: true };

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { ...toApi, ws: true },
      '^/[a-z]+/(api|v1)/': toApi,
      '/s/': toApi,
      '/openapi.json': toApi,
      '/docs': toApi,
    },
  },
  build: { sourcemap: true, chunkSizeWarningLimit: 1500 },
});
