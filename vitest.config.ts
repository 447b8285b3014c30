import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration suites start brokers and JVMs, so keep parallelism modest.
    poolOptions: {forks: {maxForks: 2, minForks: 1}},
    reporters: ['default'],
  },
})
