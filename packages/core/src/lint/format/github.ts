import type { FileReport, Severity } from '../types.js';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub Actions workflow commands: `%`, CR and LF must be escaped in data and properties. */
const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

export function formatGithub(files: readonly FileReport[]): string {
  const lines = files.flatMap((file) =>
    file.findings.map(
      (f) =>
        `::${LEVEL[f.severity]} file=${escapeProperty(file.path)},line=${f.line},col=${f.column},title=${escapeProperty(
          f.rule,
        )}::${escapeData(`${f.message}\n${f.help}`)}`,
    ),
  );
  return lines.length ? `${lines.join('\n')}\n` : '';
}
