/**
 * Hostile string values for literal rendering tests: each would end a literal, start an escape
 * or a dollar quote if rendered naively, under standard_conforming_strings on or off (PostgreSQL)
 * and with or without NO_BACKSLASH_ESCAPES (MySQL/MariaDB).
 */
export const HOSTILE_VALUES: readonly string[] = [
  "\\'; drop table victims; --",
  'C:\\new',
  "it's",
  "\\'",
  '$$ dollar $$ $x$',
  "E'x\\'",
  'line one\nline two\r\n\ttabbed',
  '\\\\ two backslashes \\',
  'ünïcödé ☃ 😀',
];
