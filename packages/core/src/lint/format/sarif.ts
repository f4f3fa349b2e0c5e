import { RULES } from '../rules/index.js';
import type { FileReport, Severity } from '../types.js';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0, for code scanning UIs. Rule help points at docs/rules/<id>.md in the repository. */
export function formatSarif(files: readonly FileReport[], version = '0.1.0'): string {
  const used = new Set(files.flatMap((f) => f.findings.map((x) => x.rule)));
  const rules = RULES.filter((r) => used.has(r.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ballast',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.docs },
              helpUri: `docs/rules/${r.id}.md`,
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results: files.flatMap((file) =>
          file.findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: index.get(f.rule),
            level: LEVEL[f.severity],
            message: { text: `${f.message}\n${f.help}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.path.replaceAll('\\', '/') },
                  region: { startLine: f.line, startColumn: f.column },
                },
              },
            ],
            ...(f.fix ? { properties: { fix: f.fix } } : {}),
          })),
        ),
      },
    ],
  });
}
