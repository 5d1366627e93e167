import { defineConfig } from 'vitest/config';

// The console is served from the root of its origin (local-dev, CloudFront); relative asset URLs keep it
// working from any path too. Routes are hash routes, so the server only ever serves index.html and /assets/*.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npm run dev` proxies the API to a running local-dev (LONGWATCH_API, default http://127.0.0.1:8080).
    proxy: {
      '/v1': process.env.LONGWATCH_API ?? 'http://127.0.0.1:8080',
      '/health': process.env.LONGWATCH_API ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
});
