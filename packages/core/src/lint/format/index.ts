import type { FileReport } from '../types.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];

export function formatReport(
  format: OutputFormat,
  files: readonly FileReport[],
  opts: { color?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return `${formatJson(files)}\n`;
    case 'sarif':
      return `${formatSarif(files)}\n`;
    case 'github':
      return formatGithub(files);
    case 'text':
      return formatText(files, opts.color);
  }
}
