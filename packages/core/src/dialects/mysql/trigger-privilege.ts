import type { Session } from '../../db.js';
import { PrivilegeError } from '../../errors.js';

/**
 * With binary logging on and log_bin_trust_function_creators off, the server lets only a role
 * with SUPER create triggers (error 1419): the online copy and the expand's sync triggers would
 * fail after their first steps. Checked before anything is created, naming both ways out.
 */
export async function requireTriggerCreation(session: Session, where: string): Promise<void> {
  const [row] = await session.query<{ logBin: number; trusted: number; user: string }>(
    'select @@global.log_bin as logBin, @@global.log_bin_trust_function_creators as trusted, current_user() as user',
  );
  if (!row || !Number(row.logBin) || Number(row.trusted)) return;
  const at = row.user.lastIndexOf('@');
  const grantee = `'${row.user.slice(0, at).replaceAll("'", "''")}'@'${row.user.slice(at + 1).replaceAll("'", "''")}'`;
  const [privileged] = await session.query(
    `select 1 from information_schema.USER_PRIVILEGES where GRANTEE = ? and PRIVILEGE_TYPE = 'SUPER'`,
    [grantee],
  );
  if (privileged) return;
  throw new PrivilegeError(
    `${where}: role ${grantee} cannot create triggers on this server: binary logging is on and log_bin_trust_function_creators is off, so CREATE TRIGGER needs SUPER. Nothing was changed.`,
    [
      {
        object: 'the sync triggers',
        privilege: 'SUPER (or log_bin_trust_function_creators = 1)',
        grant: null,
      },
    ],
    {
      where,
      hint: `as an admin, either SET GLOBAL log_bin_trust_function_creators = 1 (and in the server's config), or GRANT SUPER ON *.* TO ${grantee}`,
    },
  );
}
