// The TypeScript declarations name every runtime export, and nothing more.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';

import {tf} from './helpers.mjs';

test('index.d.ts declares every public export', () => {
  const dts = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const declared = new Set([...dts.matchAll(/export declare (?:function|const|class|namespace|enum) (\w+)/g)].map(m => m[1]));
  const internal = new Set([]);
  for (const name of Object.keys(tf)) {
    if (internal.has(name)) continue;
    assert.ok(declared.has(name), `${name} is exported but not declared in index.d.ts`);
  }
  for (const name of declared) assert.ok(name in tf, `${name} is declared but not exported`);
  for (const name of ['dense']) assert.equal(typeof tf.layers[name], 'function');
});
