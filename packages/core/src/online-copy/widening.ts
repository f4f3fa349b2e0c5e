/**
 * Whether a column redefined from `before` to `after` (COLUMN_TYPE, e.g. `int(11)`,
 * `decimal(10,2) unsigned`, `varchar(40)`) keeps every value exactly, by the type rules alone:
 * a wider integer of a signedness that holds the old range, a DECIMAL with at least as many
 * digits on both sides of the point, FLOAT → DOUBLE, a longer VARCHAR/CHAR/VARBINARY/BINARY or a
 * larger TEXT/BLOB, more fractional seconds. The character set and collation must not change
 * (the caller compares them). Anything else may round, truncate or reinterpret a value: its
 * values are compared one by one.
 */
export function keepsEveryValue(before: string, after: string): boolean {
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return false;
  const int = (t: Parsed) => INTEGERS.indexOf(t.base);
  if (int(a) >= 0 && int(b) >= 0) {
    if (a.unsigned === b.unsigned) return int(b) >= int(a);
    return a.unsigned && !b.unsigned && int(b) > int(a);
  }
  if (a.unsigned && !b.unsigned && a.base !== b.base) return false;
  if (!a.unsigned && b.unsigned) return false;
  if (a.base === 'decimal' && b.base === 'decimal') {
    const [p1 = 10, s1 = 0] = a.args;
    const [p2 = 10, s2 = 0] = b.args;
    return p2 - s2 >= p1 - s1 && s2 >= s1;
  }
  if (a.base === 'float' && b.base === 'double' && a.args.length === 0) return true;
  for (const family of SIZED) {
    if (a.base === family && b.base === family) return (b.args[0] ?? 1) >= (a.args[0] ?? 1);
  }
  for (const family of [TEXTS, BLOBS]) {
    const [i, j] = [family.indexOf(a.base), family.indexOf(b.base)];
    if (i >= 0 && j >= 0) return j >= i;
  }
  if (TEMPORAL.includes(a.base) && a.base === b.base) return (b.args[0] ?? 0) >= (a.args[0] ?? 0);
  return false;
}

const INTEGERS = ['tinyint', 'smallint', 'mediumint', 'int', 'bigint'];
const SIZED = ['varchar', 'char', 'varbinary', 'binary'];
const TEXTS = ['tinytext', 'text', 'mediumtext', 'longtext'];
const BLOBS = ['tinyblob', 'blob', 'mediumblob', 'longblob'];
const TEMPORAL = ['datetime', 'timestamp', 'time'];

interface Parsed {
  readonly base: string;
  readonly args: readonly number[];
  readonly unsigned: boolean;
}

function parse(type: string): Parsed | undefined {
  const m = /^([a-z]+)(?:\(([\d,\s]+)\))?((?:\s+(?:unsigned|signed|zerofill))*)$/i.exec(type.trim());
  if (!m) return undefined;
  return {
    base: m[1]!.toLowerCase().replace(/^integer$/, 'int'),
    args: m[2] ? m[2].split(',').map((n) => Number(n.trim())) : [],
    unsigned: /unsigned/i.test(m[3] ?? ''),
  };
}
