import { defineConfig } from 'vitest/config';

// During `vite` development the API is proxied like server.mjs does in production.
const api = {
  '/api/catalog': process.env.CNP_CATALOG_URL ?? 'http://localhost:8081',
  '/api/features': process.env.CNP_FEATURES_URL ?? 'http://localhost:8082',
  '/api/search': process.env.CNP_SEARCH_URL ?? 'http://localhost:8083',
};

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { proxy: api },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.mjs'],
    environment: 'node',
  },
});
