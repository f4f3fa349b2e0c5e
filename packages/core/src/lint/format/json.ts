import type { FileReport } from '../types.js';

/**
 * The stable JSON contract (tested in lint-format.test.ts; change only with a major version):
 * {"files":[{"path":"...","findings":[{"rule","severity","line","column","message","fix"?}]}]}
 */
export function formatJson(files: readonly FileReport[]): string {
  return JSON.stringify({
    files: files.map((f) => ({
      path: f.path,
      findings: f.findings.map((x) => ({
        rule: x.rule,
        severity: x.severity,
        line: x.line,
        column: x.column,
        message: x.message,
        ...(x.fix === undefined ? {} : { fix: x.fix }),
      })),
    })),
  });
}
