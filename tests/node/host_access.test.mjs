// Ops, layers, models and the training code never touch tensor values through host
// pointers: only kernels (through a KernelCall) and the documented host fallbacks do
// (ops that compute on the CPU whatever the backend and move data explicitly with
// hostView/upload). A new `.data<T>()` elsewhere fails here; at run time the test
// backends with their own memory (backend_seam.test.mjs, the C++ op harness) throw
// on any host access that slipped through.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const HOST_FALLBACKS = {
  // random draws, range/linspace/eye, topk and its gradient, int32 fills: computed on
  // the host into hostEmpty tensors and uploaded
  'cpp/ops/creation.cc': 'host fallback (hostEmpty + upload, hostView for topk inputs)',
  // weight initializers draw on the host (the same values for a seed on every backend)
  'cpp/layers/initializers.cc': 'host fallback (hostEmpty + upload)',
  // CategoryEncoding counts on the host (hostView of its input, upload of the counts)
  'cpp/layers/preprocessing.cc': 'host fallback (hostView + hostEmpty + upload)',
  // the host view itself: readHost/write/hostView/upload and the Storage accessors
  'cpp/core/tensor.cc': 'the host view',
  // JS reads and writes values through readView/writeView (host bytes or a staging buffer)
  'bindings/bindings.cc': 'readView/writeView on host memory only (else staging)',
};

function files(dir) {
  return readdirSync(join(root, dir)).flatMap(name => {
    const rel = `${dir}/${name}`;
    return statSync(join(root, rel)).isDirectory() ? files(rel) : [rel];
  });
}

test('only kernels and the documented host fallbacks touch host pointers', () => {
  const offenders = [];
  for (const dir of ['cpp/core', 'cpp/ops', 'cpp/layers', 'cpp/models', 'cpp/training', 'bindings']) {
    for (const file of files(dir).filter(f => /\.(cc|h)$/.test(f))) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/\.(data|constData)<\w+>\(\)/.test(code) && !(file in HOST_FALLBACKS)) {
          offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(offenders, [], `host pointer access outside kernels:\n${offenders.join('\n')}`);
  for (const file of Object.keys(HOST_FALLBACKS)) {
    const text = readFileSync(join(root, file), 'utf8');
    assert.match(text, /\.(data|constData)<\w+>\(\)/, `${file} is allowed but has no host access: drop it from the list`);
  }
});
