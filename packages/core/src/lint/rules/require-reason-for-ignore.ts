import { defineRule } from '../define.js';

/** Reported by the engine (lint.ts) for `-- ballast:ignore <rule>` without a reason. */
export default defineRule({
  id: 'require-reason-for-ignore',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'A suppression must say why the statement is safe; without a reason it does not apply.',
  check: () => undefined,
});
