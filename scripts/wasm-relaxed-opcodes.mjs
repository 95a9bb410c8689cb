// Rewrites relaxed SIMD's prototype multiply-add in a linked .wasm to the standard one:
//   f32x4.fma (0xfd 0xaf 0x01, what clang < 16's __builtin_wasm_fma_f32x4 emits)
//   -> f32x4.relaxed_madd (0xfd 0x85 0x02), the same operands (a, b, c -> a * b + c)
// in place: both opcodes are two LEB128 bytes after the prefix, so nothing moves. The
// instructions are found with llvm-objdump's disassembly (instruction boundaries, not a
// byte search), then the module is validated with relaxed SIMD on. Run by CMake after the
// link of the relaxed-SIMD engine (WL_RELAXED_SIMD); a module without the prototype
// opcode (clang >= 16) is left as it is.
//   node scripts/wasm-relaxed-opcodes.mjs build/wasm-relaxed/wasm-layers-core.wasm
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error(`usage: node scripts/wasm-relaxed-opcodes.mjs FILE.wasm (${file ?? 'no file'} not found)`);
  process.exit(2);
}
const bytes = readFileSync(file);

// The code section's payload offset: llvm-objdump numbers its instructions from there.
function codeSectionStart(b) {
  const leb = p => {
    let v = 0, shift = 0, x;
    do { x = b[p++]; v += (x & 0x7f) * 2 ** shift; shift += 7; } while (x & 0x80);
    return [v, p];
  };
  for (let p = 8; p < b.length;) {
    const id = b[p];
    const [size, payload] = leb(p + 1);
    if (id === 10) return payload;
    p = payload + size;
  }
  throw new Error(`${file}: no code section`);
}

function findObjdump() {
  const names = ['llvm-objdump'];
  for (const dir of (process.env.PATH || '').split(':')) for (const n of names) if (existsSync(`${dir}/${n}`)) return `${dir}/${n}`;
  const roots = existsSync('/usr/lib') ? readdirSync('/usr/lib').filter(d => /^llvm-\d+$/.test(d)).sort().reverse() : [];
  for (const r of roots) if (existsSync(`/usr/lib/${r}/bin/llvm-objdump`)) return `/usr/lib/${r}/bin/llvm-objdump`;
  return null;
}

const objdump = findObjdump();
if (!objdump) {
  console.error('wasm-relaxed-opcodes: llvm-objdump not found (it comes with the LLVM that emscripten uses)');
  process.exit(1);
}
const listing = execFileSync(objdump, ['-d', file], {maxBuffer: 1 << 30, encoding: 'utf8'});
const start = codeSectionStart(bytes);
const offsets = [...listing.matchAll(/^\s*([0-9a-f]+):\s+fd af 01\s+f32x4\.fma\b/gm)].map(m => parseInt(m[1], 16) + start);
for (const o of offsets) {
  if (bytes[o] !== 0xfd || bytes[o + 1] !== 0xaf || bytes[o + 2] !== 0x01) {
    console.error(`wasm-relaxed-opcodes: ${file}: no f32x4.fma at byte ${o} (the disassembly and the file disagree)`);
    process.exit(1);
  }
  bytes[o + 1] = 0x85;
  bytes[o + 2] = 0x02;
}
if (offsets.length > 0) writeFileSync(file, bytes);

// The module must now validate where relaxed SIMD runs (Node 20 behind its flag).
const check = "process.exit(WebAssembly.validate(require('fs').readFileSync(process.argv[1])) ? 0 : 3)";
let r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', check, file]);
if (r.status === 9) r = spawnSync(process.execPath, ['-e', check, file]);  // a Node without the flag
if (r.status !== 0) {
  console.error(`wasm-relaxed-opcodes: ${file} does not validate with relaxed SIMD on (status ${r.status})`);
  process.exit(1);
}
console.log(`wasm-relaxed-opcodes: ${file}: ${offsets.length} f32x4.fma -> f32x4.relaxed_madd; validates with relaxed SIMD`);
