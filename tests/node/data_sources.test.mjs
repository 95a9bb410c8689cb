// tf.data's sources added for issue 16 (js/src/data_sources.js) against tfjs-data 4.22:
// CSV parsing (headers, quotes, delimiters, column configs, labels), text lines,
// byte chunking, data.func, and their errors.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';

import {loadTfjs, modelServer, tf} from './helpers.mjs';

const tfjs = await loadTfjs();
const bytes = s => new TextEncoder().encode(s);

async function collect(dataset) {
  try {
    const out = [];
    const it = await dataset.iterator();
    for (;;) {
      const r = await it.next();
      if (r.done) return out;
      out.push(r.value);
    }
  } catch (e) {
    return {error: e.message};
  }
}

const CSV = 'a,b,label\n1,2.5,0\n3,,1\r\n"x,y",true,1\n7,"q""uote",0\n';
const CASES = [
  ['plain', CSV, {}],
  ['label column', CSV, {columnConfigs: {label: {isLabel: true}}}],
  ['dtypes and defaults', CSV, {columnConfigs: {a: {dtype: 'int32'}, b: {dtype: 'bool', default: 9}}}],
  ['configured only', CSV, {columnConfigs: {b: {default: 0}}, configuredColumnsOnly: true}],
  ['no header', '1,2\n3,4\n', {hasHeader: false, columnNames: ['p', 'q']}],
  ['whitespace', 'p q\n1   2\n3 4\n', {delimWhitespace: true}],
  ['semicolons, no trailing newline', 'p;q\n1;2\n3;4', {delimiter: ';'}],
  ['required empty', CSV, {columnConfigs: {b: {required: true}}}],
  ['bad row', 'p,q\n1,2,3\n', {}],
  ['no names', '1,2\n', {hasHeader: false}],
  ['names mismatch', 'p,q\n1,2\n', {columnNames: ['a']}],
  ['duplicates', 'p,p\n1,2\n', {}],
  ['unknown config', 'p,q\n1,2\n', {columnConfigs: {z: {}}}],
  ['empty', '', {}],
];

for (const [name, text, config] of CASES) {
  test(`CSVDataset (${name}) matches tfjs`, async () => {
    const ours = new tf.data.CSVDataset(new tf.data.FileDataSource(bytes(text), {chunkSize: 5}), config);
    const theirs = new tfjs.data.CSVDataset(new tfjs.data.FileDataSource(bytes(text), {chunkSize: 5}), config);
    assert.deepEqual(await collect(ours), await collect(theirs));
    const names = async d => { try { return await d.columnNames(); } catch (e) { return e.message; } };
    assert.deepEqual(await names(ours), await names(theirs));
  });
}

test('TextLineDataset splits lines across chunks, UTF-8 included', async () => {
  const text = 'héllo\nwörld\r\n\nlast';
  const ours = new tf.data.TextLineDataset(new tf.data.FileDataSource(bytes(text), {chunkSize: 3}));
  const theirs = new tfjs.data.TextLineDataset(new tfjs.data.FileDataSource(bytes(text), {chunkSize: 3}));
  assert.deepEqual(await collect(ours), await collect(theirs));
});

test('tf.data.csv reads over http and from file:// paths, and batches into tensors', async () => {
  const server = await modelServer();
  const dir = mkdtempSync(join(tmpdir(), 'wl-csv-'));
  try {
    server.put('/d.csv', 'x1,x2,y\n1,2,3\n4,5,6\n');
    writeFileSync(join(dir, 'd.csv'), 'x1,x2,y\n1,2,3\n4,5,6\n');
    for (const url of [`${server.base}/d.csv`, `file://${join(dir, 'd.csv')}`]) {
      const ds = tf.data.csv(url, {columnConfigs: {y: {isLabel: true}}})
          .map(({xs, ys}) => ({xs: Object.values(xs), ys: Object.values(ys)})).batch(2);
      const [batch] = await ds.toArray();
      assert.deepEqual(batch.xs.arraySync(), [[1, 2], [4, 5]]);
      assert.deepEqual(batch.ys.arraySync(), [[3], [6]]);
      tf.dispose(batch);
    }
    const missing = await collect(tf.data.csv(`${server.base}/none.csv`));
    assert.match(missing.error, /404/);
  } finally {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
  }
});

test('tf.data.func continues one sequence of calls, as tfjs', async () => {
  const run = async L => {
    let i = 0;
    const ds = L.data.func(() => (i < 3 ? {value: i++, done: false} : {value: null, done: true}));
    return [await ds.take(2).toArray(), await ds.toArray()];
  };
  assert.deepEqual(await run(tf), await run(tfjs));
  assert.equal(tf.data.version_data, tfjs.data.version_data);
});

test('tf.data.webcam and microphone need a browser: the same errors as tfjs in Node', async () => {
  const errorOf = async f => { try { await f(); return null; } catch (e) { return e.message; } };
  for (const call of [L => L.data.webcam(), L => L.data.microphone()]) {
    const ours = await errorOf(() => call(tf));
    assert.ok(ours != null);
    assert.equal(ours, await errorOf(() => call(tfjs)));
  }
});
