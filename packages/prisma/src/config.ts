/**
 * The project's Prisma settings, read by Prisma's own loader (@prisma/config, the module the
 * Prisma 7 CLI uses for prisma.config.ts): where the migrations live and which database they target.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BallastError } from '@ballast/core';
import { loadConfigFromFile } from '@prisma/config';

export interface PrismaProjectConfig {
  /** The prisma.config.ts that was loaded. */
  readonly configFile: string;
  readonly migrationsDir: string;
  /** schema.prisma (or the schema folder) the config names. */
  readonly schemaPath: string;
  /** The datasource URL the config resolves to (Migrate's target), when it names one. */
  readonly databaseUrl: string | undefined;
}

/** Thrown when prisma.config.ts cannot be found or loaded. */
export class PrismaConfigError extends BallastError {
  override readonly name = 'PrismaConfigError';
}

export async function loadPrismaProject(cwd: string, configFile?: string): Promise<PrismaProjectConfig> {
  const loaded = await loadConfigFromFile({
    configRoot: cwd,
    ...(configFile ? { configFile: resolve(cwd, configFile) } : {}),
  });
  if (loaded.error || !loaded.resolvedPath) {
    const why = loaded.error
      ? loaded.error._tag === 'ConfigFileNotFound'
        ? 'no prisma.config.ts found'
        : `${loaded.error._tag}: ${loaded.error.error.message}`
      : 'no prisma.config.ts found';
    throw new PrismaConfigError(`cannot load the Prisma config in ${cwd}: ${why}`, {
      where: configFile ?? cwd,
      hint: 'run ballast-prisma from the folder that holds prisma.config.ts, or pass --config <file>',
    });
  }
  const root = dirname(loaded.resolvedPath);
  const at = (p: string) => (isAbsolute(p) ? p : join(root, p));
  const { config } = loaded;
  const schemaPath = at(config.schema ?? 'prisma/schema.prisma');
  // Prisma's default: a `migrations` folder beside the schema.
  const migrationsDir = config.migrations?.path
    ? at(config.migrations.path)
    : join(dirname(schemaPath), 'migrations');
  const url = config.datasource?.url;
  return {
    configFile: loaded.resolvedPath,
    migrationsDir,
    schemaPath,
    databaseUrl: typeof url === 'string' ? url : undefined,
  };
}
