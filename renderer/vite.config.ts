/**
 * Standalone build of the renderer for the browser transport (`npm run build:renderer`):
 * `renderer/` as root, output in `out/renderer` (the same place electron-vite writes it).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { productionBuild } from './vite.production';

export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  ...(command === 'build' ? productionBuild : {}),
  build: { outDir: '../out/renderer', emptyOutDir: true, target: 'chrome120' },
}));
