import { defineRule } from '../define.js';

/** Reported by the engine (lint.ts) when a parser rejects a statement: never a silent pass. */
export default defineRule({
  id: 'unparseable-sql',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres', 'mysql'],
  docs: 'The statement cannot be parsed for the chosen dialect and version, so it cannot be checked.',
  check: () => undefined,
});
