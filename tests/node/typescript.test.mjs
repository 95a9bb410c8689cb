// TypeScript programs written for @tensorflow/tfjs type-check against our js/index.d.ts
// with only the import changed (here: '@tensorflow/tfjs' resolved to our typings), under
// --strict. Each program is first checked against tfjs itself, so it is valid tfjs code.
import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = fileURLToPath(new URL('./ts_programs/', import.meta.url));
const programs = readdirSync(dir).filter(f => f.endsWith('.ts')).sort().map(f => dir + f);

function typeCheck(files, againstOurs) {
  const options = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10, lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], types: [],
    baseUrl: root,
    // tfjs's own typings are not ours to check; ours are (skipLibCheck stays off for them).
    skipLibCheck: !againstOurs,
    paths: againstOurs ? {'@tensorflow/tfjs': ['js/index.d.ts']} : {},
  };
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map(d => {
    const where = d.file ? `${d.file.fileName.replace(root, '')}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

test('the TypeScript programs are valid tfjs programs (checked against @tensorflow/tfjs)', () => {
  assert.ok(programs.length >= 5);
  assert.deepEqual(typeCheck(programs, false), []);
});

test('the same programs type-check against wasm-layers (js/index.d.ts) with --strict', () => {
  assert.deepEqual(typeCheck(programs, true), []);
});
