/**
 * Ballast helpers (`ballast(knex).safeAddColumn(…)`) do not go through Knex's query builder: core's
 * runner sends each planned step on a connection it takes from Knex's pool, between its own
 * catalog reads, journal writes and locks. This records that traffic on the driver connection and
 * keeps what the plan changes in the schema or the data, with the runner's BEGIN / SET LOCAL
 * lock_timeout / COMMIT around each step, so the linter sees the steps as the server runs them.
 */
import { quoteLiteral } from '@ballast/core/adapter';

interface DriverConnection {
  query(...args: unknown[]): unknown;
  __ballastLintRecorded?: boolean;
}

/** Catalog reads, settings plumbing and Ballast's own bookkeeping tables: not the plan's steps. */
const RUNNER_INTERNAL = /^(select|show|reset)\b|\bset_config\s*\(|\bballast_\w+/i;
const TX_START = /^(begin|start\s+transaction)\b/i;
const TX_END = /^(commit|rollback|end)\b/i;

/** `$n` placeholders replaced by literals: the linter reads one self-contained statement. */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)\b/g, (whole, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) return whole;
    const v = params[i];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    return quoteLiteral('postgres', typeof v === 'string' ? v : JSON.stringify(v));
  });
}

/**
 * Wraps `client.acquireConnection` so every connection it hands out records the runner's
 * statements into `sink`. Knex's own queries pass a query object (recorded through its `query`
 * event instead); the runner passes SQL text, which is how the two are told apart.
 */
export function recordRunnerSteps(
  client: { acquireConnection(): Promise<unknown> },
  sink: () => string[],
): void {
  const acquire = client.acquireConnection.bind(client);
  const state = { backup: false };
  client.acquireConnection = async () => {
    const connection = (await acquire()) as DriverConnection;
    if (connection.__ballastLintRecorded) return connection;
    connection.__ballastLintRecorded = true;
    const query = connection.query.bind(connection);
    connection.query = (...args: unknown[]) => {
      if (typeof args[0] === 'string') keepStep(sink(), args[0], (args[1] ?? []) as unknown[], state);
      return query(...args);
    };
    return connection;
  };
}

/** Drops the runner sends after copying the data into Ballast's backup schema (b.dropColumn, b.dropTable). */
const DROP = /^(alter\s+table\s.*\sdrop\s+column|drop\s+table)\b/is;
const BACKED_UP =
  '-- ballast:ignore ban-dropping-column,ban-dropping-table planned by a Ballast helper after its backup step\n';

function keepStep(out: string[], sql: string, params: readonly unknown[], state: { backup: boolean }): void {
  const text = sql.trim();
  if (/\bballast_backup\b/i.test(text) && !/^select\b/i.test(text)) state.backup = true;
  if (RUNNER_INTERNAL.test(text)) return;
  // A BEGIN … COMMIT around bookkeeping only (a backfill checkpoint) leaves nothing to lint.
  if (TX_END.test(text) && out.length > 0 && TX_START.test(out[out.length - 1]!)) {
    out.pop();
    return;
  }
  const backedUp = state.backup && DROP.test(text);
  if (backedUp) state.backup = false;
  out.push(`${backedUp ? BACKED_UP : ''}${inlineParams(text, params)}`);
}
