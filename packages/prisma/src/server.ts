import type { Database } from '@ballast/core';

/** The PostgreSQL major version Migrate targets: the planners choose the safe sequence by it. */
export async function serverMajor(db: Database): Promise<number> {
  const [row] = await db.withSession((s) =>
    s.query<{ major: number }>("select current_setting('server_version_num')::int / 10000 as major"),
  );
  return Number(row!.major);
}
