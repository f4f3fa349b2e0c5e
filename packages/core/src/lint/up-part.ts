/**
 * Migration files that hold both directions — goose (`-- +goose Down`), sql-migrate
 * (`-- +migrate Down`), dbmate (`-- migrate:down`) — run only the part above the down marker when
 * migrating: that part is what is linted (the rollback's DROPs are not this deploy's).
 */
const DOWN_MARKER = /^[ \t]*--[ \t]*(?:\+goose[ \t]+down|\+migrate[ \t]+down|migrate:down)\b/im;

/** `text` up to its down marker (positions before it unchanged); all of it when it has none. */
export function upPart(text: string): string {
  const down = DOWN_MARKER.exec(text);
  return down ? text.slice(0, down.index) : text;
}

const GOOSE_UP = /^[ \t]*--[ \t]*\+goose[ \t]+up\b/im;
const GOOSE_NO_TRANSACTION = /^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b/im;
const SQL_MIGRATE_UP = /^[ \t]*--[ \t]*\+migrate[ \t]+up\b(.*)$/im;
const DBMATE_UP = /^[ \t]*--[ \t]*migrate:up\b(.*)$/im;

/**
 * How the file's own tool runs its up part, where the file says which tool it is for: goose,
 * sql-migrate and dbmate wrap each migration in one transaction unless the file opts out
 * (`-- +goose NO TRANSACTION`, `-- +migrate Up notransaction`, `-- migrate:up transaction:false`).
 * Undefined for any other file: the caller's mode (or `--assume-in-transaction`) applies.
 */
export function declaredTransaction(text: string): 'wrapped' | 'none' | undefined {
  if (GOOSE_UP.test(text)) return GOOSE_NO_TRANSACTION.test(text) ? 'none' : 'wrapped';
  const migrate = SQL_MIGRATE_UP.exec(text);
  if (migrate) return /\bnotransaction\b/i.test(migrate[1] ?? '') ? 'none' : 'wrapped';
  const dbmate = DBMATE_UP.exec(text);
  if (dbmate) return /\btransaction:false\b/i.test(dbmate[1] ?? '') ? 'none' : 'wrapped';
  return undefined;
}
