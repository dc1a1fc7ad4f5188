import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorker } from './src/sw/plugin.ts';

export default defineConfig({
  // Relative asset URLs so the built site works from any sub-path.
  base: './',
  // serviceWorker: sw.js with every built file precached, so the site runs offline (src/sw/).
  plugins: [svelte(), serviceWorker()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
