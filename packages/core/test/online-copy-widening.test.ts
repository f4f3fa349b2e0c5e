/** Which type changes keep every value by the type rules alone (the copy then skips comparing values). */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { keepsEveryValue } from '../src/online-copy/widening.js';

test('widenings that keep every value', () => {
  for (const [a, b] of [
    ['int(11)', 'bigint(20)'],
    ['int', 'bigint'],
    ['smallint(5) unsigned', 'int(10) unsigned'],
    ['int(10) unsigned', 'bigint(20)'],
    ['decimal(10,2)', 'decimal(12,4)'],
    ['float', 'double'],
    ['varchar(40)', 'varchar(255)'],
    ['text', 'mediumtext'],
    ['datetime', 'datetime(6)'],
  ])
    assert.equal(keepsEveryValue(a!, b!), true, `${a} → ${b}`);
});

test('changes that may change a value are compared', () => {
  for (const [a, b] of [
    ['bigint(20)', 'int(11)'],
    ['int(11)', 'int(10) unsigned'],
    ['int(10) unsigned', 'int(11)'],
    ['decimal(10,2)', 'decimal(10,4)'],
    ['decimal(10,2)', 'decimal(12,1)'],
    ['double', 'float'],
    ['float(7,4)', 'double'],
    ['varchar(40)', 'varchar(10)'],
    ['char(10)', 'varchar(10)'],
    ['int(11)', 'varchar(20)'],
    ['datetime(6)', 'datetime'],
    ['datetime', 'date'],
    ["enum('a','b')", "enum('a','b','c')"],
  ])
    assert.equal(keepsEveryValue(a!, b!), false, `${a} → ${b}`);
});
