// Tensor printing in tfjs's format (a port of tfjs-core/src/tensor_format.ts). Strings print
// quoted ('a'), except a scalar's; complex64 values come interleaved [re, im, ...].
import {computeStrides} from './util.js';

const FORMAT_LIMIT_NUM_VALS = 20;
const FORMAT_NUM_FIRST_LAST_VALS = 3;
const FORMAT_NUM_SIG_DIGITS = 7;

function valToString(val, pad, dtype) {
  let s;
  if (Array.isArray(val)) {
    s = `${parseFloat(val[0].toFixed(FORMAT_NUM_SIG_DIGITS))} + ${parseFloat(val[1].toFixed(FORMAT_NUM_SIG_DIGITS))}j`;
  } else if (typeof val === 'string') {
    s = `'${val}'`;
  } else {
    s = dtype === 'bool' ? (val === 0 ? 'false' : 'true') : parseFloat(val.toFixed(FORMAT_NUM_SIG_DIGITS)).toString();
  }
  return s.padEnd(pad);
}

function createComplexTuples(vals) {
  const tuples = [];
  for (let i = 0; i < vals.length; i += 2) tuples.push([vals[i], vals[i + 1]]);
  return tuples;
}

function computeMaxSizePerColumn(vals, shape, dtype, strides) {
  const n = shape.reduce((a, b) => a * b, 1);
  const numCols = strides[strides.length - 1];
  const padPerCol = new Array(numCols).fill(0);
  if (dtype === 'complex64') vals = createComplexTuples(vals);
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
  const width = dtype === 'complex64' ? 2 : 1;
  const tuples = v => (dtype === 'complex64' ? createComplexTuples(v) : Array.from(v));
  if (rank === 0) {
    if (dtype === 'complex64') return [valToString(createComplexTuples(vals)[0], 0, dtype)];
    return [dtype === 'bool' ? valToString(vals[0], 0, dtype) : vals[0].toString()];
  }
  if (rank === 1) {
    if (size > FORMAT_LIMIT_NUM_VALS) {
      const first = tuples(vals.slice(0, FORMAT_NUM_FIRST_LAST_VALS * width));
      const last = tuples(vals.slice((size - FORMAT_NUM_FIRST_LAST_VALS) * width, size * width));
      return ['[' + first.map((x, i) => valToString(x, padPerCol[i], dtype)).join(', ') + ', ..., ' +
              last.map((x, i) => valToString(x, padPerCol[size - FORMAT_NUM_FIRST_LAST_VALS + i], dtype))
                  .join(', ') + ']'];
    }
    return ['[' + tuples(vals).map((x, i) => valToString(x, padPerCol[i], dtype)).join(', ') + ']'];
  }
  const subshape = shape.slice(1);
  const substrides = strides.slice(1);
  const stride = strides[0] * width;
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
