import { defineRule, ident, report } from '../define.js';
import { nodeOf, stringsOf } from '../pg-ast.js';

/** ALTER DOMAIN … ADD CONSTRAINT / SET NOT NULL validates every column of the domain (squawk ban-alter-domain-with-add-constraint). */
export default defineRule({
  id: 'require-not-valid-domain-constraint',
  severity: 'error',
  fix: 'none',
  dialects: ['postgres'],
  docs: 'A domain constraint added without NOT VALID, or a domain SET NOT NULL, checks every column using the domain while blocking writes.',
  check(_ctx, s) {
    const alter = s.dialect === 'postgres' ? nodeOf(s.node, 'AlterDomainStmt') : undefined;
    if (!alter) return undefined;
    const domain = ident('postgres', stringsOf(alter.typeName).join('.'));
    // SET NOT NULL ('O') checks every column of the domain too, and has no NOT VALID form.
    if (alter.subtype === 'O')
      return report('require-not-valid-domain-constraint', {
        domain,
        what: `SET NOT NULL on domain ${domain}`,
        constraint: ident('postgres', `${stringsOf(alter.typeName).pop()}_not_null`),
        definition: 'CHECK (VALUE IS NOT NULL)',
      });
    const con = alter.subtype === 'C' ? nodeOf(alter.def, 'Constraint') : undefined;
    if (!con || con.skip_validation || con.contype !== 'CONSTR_CHECK') return undefined;
    const constraint = ident('postgres', con.conname ?? `${domain}_check`);
    return report('require-not-valid-domain-constraint', {
      domain,
      what: `Adding constraint ${constraint} to domain ${domain}`,
      constraint,
      definition: '...',
    });
  },
});
