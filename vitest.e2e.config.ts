import { defineConfig } from 'vitest/config';

/** End-to-end tests: real engine, local UI server, headless Chromium. `npm run test:e2e`. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 400_000,
    hookTimeout: 120_000,
    pool: 'forks',
    allowOnly: false,
    reporters: ['verbose'],
  },
});
