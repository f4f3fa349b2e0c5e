import { defineRule, ident, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** ALTER DOMAIN … ADD CONSTRAINT validates every column of the domain (no squawk equivalent). */
export default defineRule({
  id: 'require-not-valid-domain-constraint',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'A domain constraint added without NOT VALID checks every column using the domain while blocking writes.',
  check(_ctx, s) {
    const alter = s.dialect === 'postgres' ? nodeOf(s.node, 'AlterDomainStmt') : undefined;
    const con = alter?.subtype === 'C' ? nodeOf(alter.def, 'Constraint') : undefined;
    if (!alter || !con || con.skip_validation || con.contype !== 'CONSTR_CHECK') return undefined;
    const domain = ident('postgres', stringsOf(alter.typeName).join('.'));
    return report('require-not-valid-domain-constraint', {
      domain,
      constraint: ident('postgres', con.conname ?? `${domain}_check`),
    });
  },
});
