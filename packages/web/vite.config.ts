import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w @vigil/web` serves the app with hot reload on :5173 and sends /api to a
// server started with `npm start` (VIGIL_DEV_API overrides where it runs).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': { target: process.env.VIGIL_DEV_API ?? 'http://127.0.0.1:8470', changeOrigin: false } } },
});
