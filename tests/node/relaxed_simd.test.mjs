// The optional relaxed-SIMD engine (dist-relaxed/, from `scripts/build.sh wasm-relaxed`):
// its WebAssembly uses relaxed SIMD (it validates only with relaxed SIMD on), where that is
// on its kernels agree with its reference backend at float32 tolerances (its multiply-adds
// are fused: the last bits differ), and where it is off, loading it fails with an Error
// saying what it needs. Skipped, saying why, where that engine was not built.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const lazy = new URL('../../dist-relaxed/wasm-layers.lazy.mjs', import.meta.url);
const wasm = fileURLToPath(new URL('../../dist-relaxed/wasm-layers.wasm', import.meta.url));
const skip = existsSync(fileURLToPath(lazy)) ? false :
  'dist-relaxed/ is not built: bash scripts/build.sh wasm-relaxed (README.md, "Relaxed SIMD")';
const FLAG = '--experimental-wasm-relaxed-simd';

// Whether a Node with these flags validates the engine's module.
const validates = flags => spawnSync(process.execPath, [...flags, '-e',
  `process.exit(WebAssembly.validate(require('fs').readFileSync(${JSON.stringify(wasm)})) ? 0 : 1)`]).status === 0;
// A module of one relaxed_madd: whether this runtime runs relaxed SIMD without a flag.
const relaxedByDefault = WebAssembly.validate(Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]));

test('the relaxed engine validates only with relaxed SIMD on', {skip}, () => {
  assert.ok(validates([FLAG]) || relaxedByDefault, 'it validates with relaxed SIMD on');
  if (!relaxedByDefault) assert.equal(validates([]), false, 'it must not validate without relaxed SIMD: it would not use it');
});

test('its GEMM, convolutions, depthwise and a MobileNetV2 agree with its cpu backend', {skip}, () => {
  const child = fileURLToPath(new URL('./relaxed_simd_child.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [...(relaxedByDefault ? [] : [FLAG]), child], {encoding: 'utf8'});
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(Object.keys(report).length, 7);
  for (const [name, {worst, n, scale, zeros}] of Object.entries(report)) {
    assert.ok(n > 0 && scale > 0 && zeros < n / 2, `${name}: ${n} values, ${zeros} zeros, largest ${scale}`);
    assert.ok(worst <= 1e-5, `${name}: differs from cpu by ${worst} of its largest value`);
  }
});

test('without relaxed SIMD, loading it fails with an Error that says what it needs', {skip: skip || (relaxedByDefault && 'this runtime runs relaxed SIMD')}, () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const tf = await import(${JSON.stringify(lazy.href)});
     try { await tf.ready(); console.log('loaded'); } catch (e) { console.log(e instanceof Error ? e.message : 'not an Error: ' + e); }`],
    {encoding: 'utf8'});
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /built with relaxed SIMD .* Node 20 with --experimental-wasm-relaxed-simd/);
});
