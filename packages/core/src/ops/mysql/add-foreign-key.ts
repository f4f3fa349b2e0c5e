import { mysqlForeignKeyExists, mysqlForeignKeyMissing } from '../../dialects/mysql/compare/probes.js';
import type { MysqlServerInfo } from '../../dialects/mysql/server.js';
import { quoteLiteral } from '../../dialects/quote.js';
import { UnsupportedServerError } from '../../errors.js';
import { freezePlan, type Plan, type SqlStep, undoWith } from '../../plan.js';
import type { AddForeignKeyInput } from '../add-foreign-key.js';
import { displayName, referentialAction, sqlStep } from '../shared.js';
import { myColumns, myIdent, myTable, onlineAlterStep } from './alter.js';

/**
 * MariaDB: InnoDB adds a foreign key in place only with foreign_key_checks=0 (with checks on it
 * copies the table), so the key is added with `SET STATEMENT foreign_key_checks=0 FOR ALTER
 * TABLE … ALGORITHM=INPLACE, LOCK=NONE` and the checks the server skipped are made by Ballast:
 * no orphan rows before (else nothing changes), and none after — rows written before the key
 * existed — else the run fails and the key is dropped again. Writes are checked by the server
 * from the moment the key exists. MySQL has no SET STATEMENT for DDL: refused there.
 */
export function planAddForeignKeyMysql(
  input: AddForeignKeyInput,
  name: string,
  server: MysqlServerInfo,
): Plan {
  const target = `${displayName(input)}(${input.columns.join(', ')})`;
  if (server.capabilities.flavor !== 'mariadb') {
    throw new UnsupportedServerError(
      `add foreign key ${target}: MySQL adds a foreign key online only with foreign_key_checks=0 for that statement, which it cannot scope to one statement`,
      {
        where: target,
        hint: 'add it in a maintenance window (ALTER TABLE … ADD FOREIGN KEY copies the table and blocks writes), or with an online copy tool such as pt-online-schema-change',
      },
    );
  }
  const where = `${displayName(input)}.${name}`;
  const onDelete = input.onDelete ? referentialAction(where, input.onDelete) : undefined;
  const onUpdate = input.onUpdate ? referentialAction(where, input.onUpdate) : undefined;
  const actions = `${onDelete ? ` ON DELETE ${onDelete}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate}` : ''}`;
  const id = `add-foreign-key:${displayName(input)}.${name}`;
  const drop = onlineAlterStep({
    kind: 'foreign-key',
    caps: server.capabilities,
    id: `${id}:drop`,
    description: `drop foreign key ${name} in place`,
    table: input,
    clause: `DROP FOREIGN KEY ${myIdent(name)}`,
    timeout: 'ddl',
    done: mysqlForeignKeyMissing(input, name),
  });
  return freezePlan({
    operation: 'add-foreign-key',
    target,
    steps: [
      orphanCheckStep(input, name, `${id}:check`, 'before adding it: nothing changes if it fails'),
      onlineAlterStep({
        kind: 'foreign-key',
        caps: server.capabilities,
        id: `${id}:add`,
        description: `add foreign key ${name} in place with foreign_key_checks=0 for this statement only: reads and writes continue`,
        table: input,
        relations: [input, input.references],
        prefix: 'SET STATEMENT foreign_key_checks=0 FOR ',
        clause: `ADD CONSTRAINT ${myIdent(name)} FOREIGN KEY (${myColumns(input.columns)}) REFERENCES ${myTable(input.references)} (${myColumns(input.references.columns)})${actions}`,
        timeout: 'long',
        undoOnFailure: undoWith(drop),
        done: mysqlForeignKeyExists(input, name),
        expects: {
          kind: 'foreign-key',
          table: input.table,
          schema: input.schema,
          name,
          columns: input.columns,
          references: input.references,
          onDelete: onDelete?.toLowerCase() ?? 'no action',
          onUpdate: onUpdate?.toLowerCase() ?? 'no action',
        },
      }),
      orphanCheckStep(input, name, `${id}:recheck`, 'again: rows written before the key existed'),
    ],
    reverse: [drop],
    notes: [
      'InnoDB needs an index on the referencing columns: the ALTER creates one (named after the key) when none exists; the reverse leaves it.',
      'The checks fail if rows reference missing keys: fix them and rerun.',
    ],
  });
}

/**
 * Fails (SQLSTATE 45000) when a row of the referencing table has all its key columns set and no
 * referenced row: MariaDB runs this compound statement as one step. The scan is a `SELECT … INTO`:
 * InnoDB reads a plain SELECT from a snapshot, whereas a subquery in `IF` is a locking read that
 * takes a shared lock on every row it passes, and the application's updates wait for the scan.
 */
function orphanCheckStep(input: AddForeignKeyInput, name: string, id: string, when: string): SqlStep {
  const set = input.columns.map((c) => `c.${myIdent(c)} IS NOT NULL`).join(' AND ');
  const match = input.columns
    .map((c, i) => `p.${myIdent(input.references.columns[i]!)} = c.${myIdent(c)}`)
    .join(' AND ');
  const message = `${displayName(input)} has rows whose (${input.columns.join(', ')}) are missing from ${displayName(input.references)}: fix them, rerun`;
  return sqlStep({
    id,
    description: `check every ${displayName(input)} row has its ${displayName(input.references)} row (${name}), ${when}`,
    lock: 'none',
    transactional: true,
    timeout: 'long',
    sql: `BEGIN NOT ATOMIC DECLARE orphan INT DEFAULT 0; SELECT EXISTS (SELECT 1 FROM ${myTable(input)} c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${myTable(input.references)} p WHERE ${match})) INTO orphan; IF orphan THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = ${quoteLiteral('mysql', [...message].slice(0, 128).join(''))}; END IF; END`,
  });
}
