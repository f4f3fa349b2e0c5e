import { fileURLToPath } from 'node:url';

/**
 * The offline stand-in for Prisma's schema engine (bin/prisma-schema-engine.mjs): set
 * PRISMA_SCHEMA_ENGINE_BINARY to it and the real Prisma CLI runs without downloading its engine.
 */
export const PRISMA_SCHEMA_ENGINE_STAND_IN = fileURLToPath(
  new URL('../bin/prisma-schema-engine.mjs', import.meta.url),
);
