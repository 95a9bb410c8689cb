// Shared by the node:test suites: the built ESM package and the tfjs oracle.
import {createRequire} from 'node:module';

export * as tf from '../../dist/wasm-layers.mjs';

const require = createRequire(import.meta.url);
let tfjs = null;
/** @tensorflow/tfjs (cpu backend), loaded once, quietly. */
export async function loadTfjs() {
  if (tfjs) return tfjs;
  const warn = console.warn;
  console.warn = () => {};  // tfjs suggests installing tfjs-node on load
  try {
    tfjs = require('@tensorflow/tfjs');
    await tfjs.setBackend('cpu');
    await tfjs.ready();
  } finally {
    console.warn = warn;
  }
  return tfjs;
}

/** Captures what fn() writes with console.log. */
export function captureLog(fn) {
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(args.join(' '));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}
