import { docPath } from '../../docs.js';
import type { FileReport, Severity } from '../types.js';

const COLOR: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };

/** For people: `path:line:column severity rule`, the message, the safe alternative, a summary. */
export function formatText(files: readonly FileReport[], color = false): string {
  const paint = (s: Severity, text: string) => (color ? `${COLOR[s]}${text}\x1b[0m` : text);
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const file of files) {
    for (const f of file.findings) {
      counts[f.severity]++;
      out.push(`${file.path}:${f.line}:${f.column} ${paint(f.severity, f.severity)} ${f.rule}`);
      out.push(`  ${f.message}`);
      out.push(...f.help.split('\n').map((l) => `  ${l}`));
      if (f.fix) out.push('  fix (ballast lint --fix):', ...f.fix.split('\n').map((l) => `    ${l}`));
      out.push(`  docs: ${docPath(`rules/${f.rule}.md`)}`, '');
    }
  }
  const checked = `${files.length} file${files.length === 1 ? '' : 's'} checked`;
  out.push(`${checked}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`);
  return `${out.join('\n')}\n`;
}
