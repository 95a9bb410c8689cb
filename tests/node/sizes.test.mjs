// Over-large shapes (issue 15, items 1-7): every size is checked in 64 bits before
// anything is allocated, so a request beyond what wasm32 can address is a clear
// Error naming the shape and byte count — never a wrapped size that reads or
// writes another tensor's memory, a WebAssembly trap, or a module left broken.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {tf} from './helpers.mjs';

// The module still computes right after an error.
function assertHealthy() {
  const out = tf.tidy(() => tf.add(tf.ones([3]), 1).dataSync());
  assert.deepEqual(Array.from(out), [2, 2, 2]);
  const m = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3], kernelInitializer: 'ones'})]});
  const y = tf.tidy(() => m.predict(tf.ones([1, 3])).dataSync());
  assert.deepEqual(Array.from(y), [3, 3]);
  m.dispose();
}

// fn() throws a plain Error (not a WebAssembly.RuntimeError trap) matching `message`,
// leaves tf.memory() as it was, and the module keeps working.
function assertCleanError(fn, message) {
  const before = tf.memory().numTensors;
  assert.throws(fn, e => {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `a trap: ${e && e.message}`);
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.match(e.message, message);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assertHealthy();
}

const cannot = shape => new RegExp(`Cannot allocate a float32 tensor of shape \\[${shape.join(',')}\\] \\(`);

test('1: tf.zeros([50000, 50000]) throws, naming the shape and the 10.0 GB it would take', () => {
  assertCleanError(() => tf.zeros([50000, 50000]),
                   /^Cannot allocate a float32 tensor of shape \[50000,50000\] \(10\.0 GB\): /);
});

test('2: a tensor over 4 GiB does not wrap into a small one that aliases another tensor', () => {
  const s = tf.fill([1024], 7777);
  assertCleanError(() => {
    const t = tf.zeros([65537, 65536]);
    try {
      return tf.slice(t, [1, 0], [1, 1024]);
    } finally {
      t.dispose();
    }
  }, cannot([65537, 65536]));
  assert.equal(s.dataSync()[1023], 7777);
  s.dispose();
});

test('3: sum of a 16 GiB tensor and randomNormal of one throw instead of trapping', () => {
  assertCleanError(() => tf.zeros([65536, 65536]).sum(), cannot([65536, 65536]));
  assertCleanError(() => tf.randomNormal([65536, 65536]), cannot([65536, 65536]));
  assertCleanError(() => tf.ones([65536, 65536]), cannot([65536, 65536]));
  assertCleanError(() => tf.tidy(() => tf.tensor([1, 2]).reshape([2, 1]).tile([65536, 65536])), /Cannot allocate a float32 tensor of shape \[131072,65536/);
});

test('4: zeros([2**31, 2]).add(1) and a 65536x65536 Dense kernel throw, and later ops still work', () => {
  assertCleanError(() => tf.zeros([2 ** 31, 2]).add(1), cannot([2147483648, 2]));
  assertCleanError(() => tf.sequential({layers: [tf.layers.dense({units: 65536, inputShape: [65536]})]}),
                   /Cannot allocate a float32 tensor of shape \[65536,65536\] \(17\.2 GB\).*kernel/);
  // Broadcasting to an over-large result and a shape past int64 are errors too.
  assertCleanError(() => tf.tidy(() => tf.add(tf.zeros([65536, 1]), tf.zeros([1, 65536]))), cannot([65536, 65536]));
  assertCleanError(() => tf.zeros([2 ** 40, 2 ** 40, 2 ** 40]), /Cannot allocate a float32 tensor of shape/);
});

function denseTopology(units, inputDim, extra = []) {
  return {
    class_name: 'Sequential',
    config: {name: 'big', layers: [
      {class_name: 'Dense', config: {name: 'd1', units, activation: 'linear', use_bias: true,
                                      batch_input_shape: [null, inputDim]}},
      ...extra,
    ]},
  };
}

test('5: topology-only model.json with a 65536x65536 Dense or a [2, 2**31] conv kernel throws', async () => {
  const load = async topology => {
    const before = tf.memory().numTensors;
    await assert.rejects(tf.models.modelFromJSON(topology), e => {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `a trap: ${e.message}`);
      assert.match(e.message, /Cannot allocate a float32 tensor of shape/);
      return true;
    });
    assert.equal(tf.memory().numTensors, before);
    assertHealthy();
  };
  await load(denseTopology(65536, 65536));
  // The LSTM's kernel [2, 786432] fits; its recurrent kernel [196608, 786432] does not:
  // the kernel made before the failure is freed too.
  await load({class_name: 'Sequential', config: {name: 'l', layers: [
    {class_name: 'LSTM', config: {name: 'l1', units: 196608, batch_input_shape: [null, 4, 2]}}]}});
  await load({class_name: 'Sequential', config: {name: 'c', layers: [
    {class_name: 'Conv2D', config: {name: 'c1', filters: 4, kernel_size: [2, 2 ** 31], strides: [1, 1],
                                     padding: 'same', batch_input_shape: [null, 8, 8, 3]}}]}});
});

test('6: units 2147483647 in model.json, on the first or the output layer, is an Error and the heap stays intact', async () => {
  const second = [{class_name: 'Dense', config: {name: 'd2', units: 2147483647, activation: 'linear'}}];
  for (const topology of [denseTopology(2147483647, 4), denseTopology(3, 4, second)]) {
    const before = tf.memory().numTensors;
    await assert.rejects(tf.models.modelFromJSON(topology), e => {
      assert.ok(!(e instanceof WebAssembly.RuntimeError) && !(e instanceof TypeError), `${e.name}: ${e.message}`);
      assert.match(e.message, /Cannot allocate a float32 tensor of shape \[(4|3),2147483647\]/);
      return true;
    });
    assert.equal(tf.memory().numTensors, before);
    const r = tf.add(tf.ones([3]), 1);
    assert.deepEqual(Array.from(r.dataSync()), [2, 2, 2]);
    r.dispose();
    assertHealthy();
  }
});

test('7: over-large weights throw fast (before any initializer runs), with unwrapped byte counts', () => {
  const timed = (fn, message) => {
    const t0 = Date.now();
    assertCleanError(fn, message);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  };
  timed(() => tf.sequential({layers: [tf.layers.conv2d({filters: 1e9, kernelSize: 3, inputShape: [8, 8, 3]})]}),
        /Cannot allocate a float32 tensor of shape \[3,3,3,1000000000\] \(108\.0 GB\).*kernel/);
  timed(() => tf.sequential({layers: [tf.layers.lstm({units: 1e9, inputShape: [5, 4]})]}),
        /Cannot allocate a float32 tensor of shape \[4,4000000000\] \(64\.0 GB\).*kernel/);
  timed(() => tf.sequential({layers: [tf.layers.embedding({inputDim: 1e9, outputDim: 1e3, inputLength: 2})]}),
        /Cannot allocate a float32 tensor of shape \[1000000000,1000\] \(4\.0 TB\)/);
});

test('the largest tensor allowed still works; one element more than the limit is an Error', () => {
  // 2 GiB - 1 MiB is the limit of one tensor (what a wasm32 heap can hold at once).
  assertCleanError(() => tf.zeros([2 ** 29]), /Cannot allocate a float32 tensor of shape \[536870912\] \(2\.1 GB\): a single tensor must be under 2\.1 GB/);
  const t = tf.zeros([1024, 1024]);
  assert.equal(t.size, 1048576);
  t.dispose();
});

test('a tensor of rank over 8 reports its own shape (its metadata no longer reads past a fixed buffer)', () => {
  const t = tf.zeros([1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4]);
  assert.deepEqual(t.shape, [1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4]);
  assert.equal(t.size, 24);
  t.dispose();
});

test('output sizes computed from options are checked: an UpSampling2D or a dilation past int64 is an Error', () => {
  // 4096 * 2**52 = 2**64 once wrapped to 0: a silently empty output shape.
  assertCleanError(() => tf.sequential({layers: [tf.layers.upSampling2d({size: [2 ** 52, 1], inputShape: [4096, 1, 1]})]}),
                   /Integer overflow computing a UpSampling2D output size: 4096 \* 4503599627370496/);
  assertCleanError(() => tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'valid', 'NHWC', [2 ** 62, 1])),
                   /Integer overflow computing a dilated filter size/);
});
