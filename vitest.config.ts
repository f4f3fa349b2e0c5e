import { defineConfig } from 'vitest/config';

/**
 * One run for the whole repository: test/global-setup.ts starts PostgreSQL, MariaDB and a
 * Mongo-wire server once (or uses BALLAST_*_URL), every test file makes its own databases on them.
 * Files run one at a time in forked processes so that latency measurements do not disturb each
 * other. Workspace packages resolve to their sources (the `ballast-source` export condition), and
 * workers load tsx so that code Vitest does not transform (Knex importing .ts migration files,
 * child processes) runs TypeScript too.
 */
const fixtures = process.env.BALLAST_TEST_FIXTURES === '1';

export default defineConfig({
  resolve: { conditions: ['ballast-source', 'node'] },
  ssr: { resolve: { conditions: ['ballast-source', 'node'] } },
  test: {
    // The harness's own test (test/harness.test.ts) runs deliberately failing and hanging files.
    include: fixtures
      ? ['test/fixtures/*.fixture.ts']
      : ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    execArgv: ['--conditions=ballast-source', '--import', 'tsx', '--enable-source-maps'],
    testTimeout: Number(process.env.BALLAST_TEST_TIMEOUT_MS ?? 600_000),
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
    reporters: ['default', './test/closing-line-reporter.ts'],
  },
});
