// js/src's static imports form no cycle (a cycle makes evaluation order, and so
// which binding is still undefined at load time, depend on the entry point), and
// io/ is a leaf: artifacts, handlers and weights, knowing nothing of models.
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../js/src');

function sources(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap(e =>
    (e.isDirectory() ? sources(join(dir, e.name)) : (e.name.endsWith('.js') ? [join(dir, e.name)] : [])));
}

// module (path relative to js/src) -> the js/src modules it imports or re-exports from.
function importGraph() {
  const graph = new Map();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)]
        .map(m => m[1] || m[2]).filter(s => s.startsWith('.'));
    const deps = specs.map(s => resolve(dirname(file), s)).filter(p => p.startsWith(SRC + '/'));
    graph.set(relative(SRC, file), deps.map(p => relative(SRC, p)));
  }
  return graph;
}

function findCycle(graph) {
  const state = new Map();  // undefined: unvisited, 1: on the stack, 2: done
  const stack = [];
  const visit = node => {
    state.set(node, 1);
    stack.push(node);
    for (const dep of graph.get(node) || []) {
      if (state.get(dep) === 1) return [...stack.slice(stack.indexOf(dep)), dep];
      if (state.get(dep) === undefined) {
        const cycle = visit(dep);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 2);
    return null;
  };
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

test('js/src has no import cycle', () => {
  const graph = importGraph();
  assert.ok(graph.get('index.js').includes('models.js'), 'the import parser sees index.js -> models.js');
  assert.ok(graph.get('models.js').includes('io/index.js'), 'the import parser sees models.js -> io/index.js');
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle && cycle.join(' -> ')}`);
});

test('the cycle check finds a cycle', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
});

test('io/ imports only core.js, tensor.js and its own files', () => {
  for (const [module, deps] of importGraph()) {
    if (!module.startsWith('io/')) continue;
    for (const dep of deps) {
      assert.ok(dep.startsWith('io/') || dep === 'core.js' || dep === 'tensor.js', `${module} imports ${dep}`);
    }
  }
});
