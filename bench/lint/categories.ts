/**
 * Both linters' rules mapped onto the dangerous operations they detect, so recall and precision
 * compare what each tool catches, not how it names it. Style and settings rules (prefer-*,
 * robust statements, timeouts) are not scored for either tool.
 */
export const BALLAST: Record<string, string> = {
  'require-constant-default-for-new-column': 'rewriting-default',
  'require-default-for-not-null-column': 'required-column',
  'require-check-constraint-before-set-not-null': 'set-not-null',
  'ban-type-change-that-rewrites-table': 'type-change',
  'ban-renaming-column': 'rename-column',
  'ban-renaming-table': 'rename-table',
  'ban-dropping-column': 'drop-column',
  'ban-dropping-table': 'drop-table',
  'require-concurrent-index-creation': 'index-not-concurrent',
  'ban-concurrent-index-in-transaction': 'concurrent-in-transaction',
  'require-concurrent-index-deletion': 'drop-index-not-concurrent',
  'require-not-valid-foreign-key': 'foreign-key-validation',
  'require-not-valid-check-constraint': 'check-validation',
  'require-existing-index-for-unique-constraint': 'unique-constraint-lock',
  'require-existing-index-for-primary-key': 'primary-key-lock',
  'require-batched-data-change': 'unbatched-data-change',
  'prefer-jsonb-over-json': 'json-column',
  'ban-enum-value-addition-in-transaction': 'enum-value-in-transaction',
  'ban-adding-column-that-rewrites-table': 'rewriting-column',
  'ban-vacuum-full': 'vacuum-full',
  'ban-cluster': 'cluster',
  'require-concurrent-reindex': 'reindex-not-concurrent',
  'ban-truncate': 'truncate',
  'ban-set-tablespace': 'set-tablespace',
  'ban-drop-database': 'drop-database',
  'ban-nested-transaction': 'nested-transaction',
  'require-validate-in-separate-transaction': 'validate-in-same-transaction',
};

/** A squawk rule may stand for several operations (constraint-missing-not-valid: FK and CHECK). */
export const SQUAWK: Record<string, readonly string[]> = {
  'adding-field-with-default': ['rewriting-default', 'rewriting-column'],
  'adding-required-field': ['required-column'],
  'adding-not-nullable-field': ['set-not-null'],
  'changing-column-type': ['type-change'],
  'renaming-column': ['rename-column'],
  'renaming-table': ['rename-table'],
  'ban-drop-column': ['drop-column'],
  'ban-drop-table': ['drop-table'],
  'require-concurrent-index-creation': ['index-not-concurrent'],
  'ban-concurrent-index-creation-in-transaction': ['concurrent-in-transaction'],
  'require-concurrent-index-deletion': ['drop-index-not-concurrent'],
  'adding-foreign-key-constraint': ['foreign-key-validation'],
  'constraint-missing-not-valid': ['foreign-key-validation', 'check-validation'],
  'disallowed-unique-constraint': ['unique-constraint-lock'],
  'adding-serial-primary-key-field': ['primary-key-lock'],
  'prefer-jsonb': ['json-column'],
  'ban-truncate-cascade': ['truncate'],
  'ban-drop-database': ['drop-database'],
  'transaction-nesting': ['nested-transaction'],
  'adding-enum-value': ['enum-value-in-transaction'],
  'require-concurrent-reindex': ['reindex-not-concurrent'],
};

/** Not scored: style and session-setting advice, on both sides. */
export const UNSCORED = new Set([
  'prefer-bigint-over-int',
  'prefer-text-over-varchar',
  'prefer-timestamptz',
  'ban-char-type',
  'require-lock-timeout',
  'prefer-robust-stmts',
  'require-timeout-settings',
  'require-statement-timeout',
  'require-enum-value-ordering',
  // A file-shape check (BEGIN without COMMIT), not an operation: neither side is scored on it.
  'ban-uncommitted-transaction',
  'prefer-big-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'prefer-text-field',
  'ban-char-field',
]);
