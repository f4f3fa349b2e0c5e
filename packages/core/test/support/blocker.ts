import { connect, type SqlConnection } from '@ballast/testkit';

/**
 * A real session holding a lock in an open transaction (what a long report, a forgotten psql
 * session or a slow batch job does in production) until release().
 */
export interface Blocker {
  readonly pid: number;
  release(): Promise<void>;
}

/** `lockSql` runs inside BEGIN on its own connection; the transaction stays open. */
export async function holdLock(
  url: string,
  lockSql: string,
  options: { releaseAfterMs?: number } = {},
): Promise<Blocker> {
  const conn: SqlConnection = await connect(url);
  await conn.query('begin');
  await conn.query(lockSql);
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= (async () => {
      clearTimeout(timer);
      await conn.query('commit').catch(() => {});
      await conn.close();
    })();
    return released;
  };
  const timer =
    options.releaseAfterMs === undefined
      ? undefined
      : setTimeout(() => void release(), options.releaseAfterMs);
  return { pid: conn.sessionId, release };
}
