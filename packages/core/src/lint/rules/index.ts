/** The one typed table of rules. Adding a rule: a file here, a line below, docs/rules/<id>.md. */

import type { Rule } from '../types.js';
import banAddingColumnThatRewritesTable from './ban-adding-column-that-rewrites-table.js';
import banAddingExclusionConstraint from './ban-adding-exclusion-constraint.js';
import banAlterThatRewritesTable from './ban-alter-that-rewrites-table.js';
import banBlockingLockClause from './ban-blocking-lock-clause.js';
import banChangingTableInheritance from './ban-changing-table-inheritance.js';
import banChangingTableLogging from './ban-changing-table-logging.js';
import banCharType from './ban-char-type.js';
import banCharsetConversion from './ban-charset-conversion.js';
import banCluster from './ban-cluster.js';
import banConcurrentIndexInTransaction from './ban-concurrent-index-in-transaction.js';
import banDropDatabase from './ban-drop-database.js';
import banDroppingColumn from './ban-dropping-column.js';
import banDroppingTable from './ban-dropping-table.js';
import banEnumValueAdditionInTransaction from './ban-enum-value-addition-in-transaction.js';
import banNestedTransaction from './ban-nested-transaction.js';
import banOptimizeTable from './ban-optimize-table.js';
import banRenamingColumn from './ban-renaming-column.js';
import banRenamingTable from './ban-renaming-table.js';
import banRenamingTypeOrSchema from './ban-renaming-type-or-schema.js';
import banSequenceRestartOrNarrowing from './ban-sequence-restart-or-narrowing.js';
import banSetTablespace from './ban-set-tablespace.js';
import banTruncate from './ban-truncate.js';
import banTypeChangeThatRewritesTable from './ban-type-change-that-rewrites-table.js';
import banVacuumFull from './ban-vacuum-full.js';
import preferBigintOverInt from './prefer-bigint-over-int.js';
import preferJsonbOverJson from './prefer-jsonb-over-json.js';
import preferTextOverVarchar from './prefer-text-over-varchar.js';
import preferTimestamptz from './prefer-timestamptz.js';
import requireBatchedDataChange from './require-batched-data-change.js';
import requireCheckConstraintBeforeSetNotNull from './require-check-constraint-before-set-not-null.js';
import requireConcurrentDetachPartition from './require-concurrent-detach-partition.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion.js';
import requireConcurrentRefreshMaterializedView from './require-concurrent-refresh-materialized-view.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireConstantDefaultForNewColumn from './require-constant-default-for-new-column.js';
import requireDefaultForNotNullColumn from './require-default-for-not-null-column.js';
import requireExistingIndexForPrimaryKey from './require-existing-index-for-primary-key.js';
import requireExistingIndexForUniqueConstraint from './require-existing-index-for-unique-constraint.js';
import requireInplaceForeignKey from './require-inplace-foreign-key.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireNotValidCheckConstraint from './require-not-valid-check-constraint.js';
import requireNotValidDomainConstraint from './require-not-valid-domain-constraint.js';
import requireNotValidForeignKey from './require-not-valid-foreign-key.js';
import requireOnlineAlterAlgorithm from './require-online-alter-algorithm.js';
import requireOnlineDdlClauses from './require-online-ddl-clauses.js';
import requireReasonForIgnore from './require-reason-for-ignore.js';
import requireValidateInSeparateTransaction from './require-validate-in-separate-transaction.js';
import unparseableSql from './unparseable-sql.js';

export const RULES: readonly Rule[] = Object.freeze([
  banAddingColumnThatRewritesTable,
  banBlockingLockClause,
  banCharType,
  banCharsetConversion,
  banCluster,
  banConcurrentIndexInTransaction,
  banDropDatabase,
  banDroppingColumn,
  banDroppingTable,
  banEnumValueAdditionInTransaction,
  banNestedTransaction,
  banOptimizeTable,
  banRenamingColumn,
  banRenamingTable,
  banSetTablespace,
  banTruncate,
  banTypeChangeThatRewritesTable,
  banVacuumFull,
  preferBigintOverInt,
  preferJsonbOverJson,
  preferTextOverVarchar,
  preferTimestamptz,
  requireBatchedDataChange,
  requireCheckConstraintBeforeSetNotNull,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  requireConstantDefaultForNewColumn,
  requireDefaultForNotNullColumn,
  requireExistingIndexForPrimaryKey,
  requireExistingIndexForUniqueConstraint,
  requireInplaceForeignKey,
  requireLockTimeout,
  requireNotValidCheckConstraint,
  requireNotValidForeignKey,
  requireOnlineAlterAlgorithm,
  requireOnlineDdlClauses,
  requireReasonForIgnore,
  requireValidateInSeparateTransaction,
  banAddingExclusionConstraint,
  requireNotValidDomainConstraint,
  requireConcurrentDetachPartition,
  banChangingTableLogging,
  banRenamingTypeOrSchema,
  requireConcurrentRefreshMaterializedView,
  banSequenceRestartOrNarrowing,
  banChangingTableInheritance,
  banAlterThatRewritesTable,
  unparseableSql,
]);

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
