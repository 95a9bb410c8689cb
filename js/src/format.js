// Tensor printing in tfjs's format (a port of tfjs-core/src/tensor_format.ts,
// without the complex64 dtype). Strings print quoted ('a'), except a scalar's.
import {computeStrides} from './util.js';

const FORMAT_LIMIT_NUM_VALS = 20;
const FORMAT_NUM_FIRST_LAST_VALS = 3;
const FORMAT_NUM_SIG_DIGITS = 7;

function valToString(val, pad, dtype) {
  let s;
  if (typeof val === 'string') s = `'${val}'`;
  else if (dtype === 'bool') s = val === 0 ? 'false' : 'true';
  else s = parseFloat(val.toFixed(FORMAT_NUM_SIG_DIGITS)).toString();
  return s.padEnd(pad);
}

function computeMaxSizePerColumn(vals, shape, dtype, strides) {
  const n = shape.reduce((a, b) => a * b, 1);
  const numCols = strides[strides.length - 1];
  const padPerCol = new Array(numCols).fill(0);
  if (shape.length > 1) {
    for (let row = 0; row < n / numCols; row++) {
      const offset = row * numCols;
      for (let j = 0; j < numCols; j++) {
        padPerCol[j] = Math.max(padPerCol[j], valToString(vals[offset + j], 0, dtype).length);
      }
    }
  }
  return padPerCol;
}

function subTensorToString(vals, shape, dtype, strides, padPerCol, isLast = true) {
  const size = shape[0];
  const rank = shape.length;
  if (rank === 0) return [dtype === 'bool' ? valToString(vals[0], 0, dtype) : vals[0].toString()];
  if (rank === 1) {
    if (size > FORMAT_LIMIT_NUM_VALS) {
      const first = Array.from(vals.slice(0, FORMAT_NUM_FIRST_LAST_VALS));
      const last = Array.from(vals.slice(size - FORMAT_NUM_FIRST_LAST_VALS, size));
      return ['[' + first.map((x, i) => valToString(x, padPerCol[i], dtype)).join(', ') + ', ..., ' +
              last.map((x, i) => valToString(x, padPerCol[size - FORMAT_NUM_FIRST_LAST_VALS + i], dtype))
                  .join(', ') + ']'];
    }
    return ['[' + Array.from(vals).map((x, i) => valToString(x, padPerCol[i], dtype)).join(', ') + ']'];
  }
  const subshape = shape.slice(1);
  const substrides = strides.slice(1);
  const stride = strides[0];
  const lines = [];
  const pushRow = (i, last) =>
      lines.push(...subTensorToString(vals.slice(i * stride, (i + 1) * stride), subshape, dtype, substrides,
                                      padPerCol, last));
  if (size > FORMAT_LIMIT_NUM_VALS) {
    for (let i = 0; i < FORMAT_NUM_FIRST_LAST_VALS; i++) pushRow(i, false);
    lines.push('...');
    for (let i = size - FORMAT_NUM_FIRST_LAST_VALS; i < size; i++) pushRow(i, i === size - 1);
  } else {
    for (let i = 0; i < size; i++) pushRow(i, i === size - 1);
  }
  const sep = rank === 2 ? ',' : '';
  lines[0] = '[' + (size > 0 ? lines[0] + sep : '');
  for (let i = 1; i < lines.length - 1; i++) lines[i] = ' ' + lines[i] + sep;
  let newLineSep = ',\n';
  for (let i = 2; i < rank; i++) newLineSep += '\n';
  lines[lines.length - 1] = ' ' + lines[lines.length - 1] + ']' + (isLast ? '' : newLineSep);
  return lines;
}

export function tensorToString(vals, shape, dtype, verbose) {
  const strides = computeStrides(shape);
  const padPerCol = computeMaxSizePerColumn(vals, shape, dtype, strides);
  const lines = ['Tensor'];
  if (verbose) {
    lines.push(`  dtype: ${dtype}`);
    lines.push(`  rank: ${shape.length}`);
    lines.push(`  shape: [${shape}]`);
    lines.push(`  values:`);
  }
  lines.push(subTensorToString(vals, shape, dtype, strides, padPerCol).map(l => '    ' + l).join('\n'));
  return lines.join('\n');
}
