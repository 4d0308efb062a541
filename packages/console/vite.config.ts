import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The server serves the build under /console/ (packages/server/src/web/console.ts). */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsInlineLimit: 0 },
});
