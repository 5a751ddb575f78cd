// Runs an ONNX model with onnxruntime (the reference runtime of Kite's
// tests) on .npy inputs and writes its outputs as .npy.
//
//   node ort-run.mjs model.onnx -i x.npy [-i ...] [-o out.npy ...]
//                    [--batch]      (inputs larger than a static leading
//                                    dimension run in batches of it)
//                    [--repeat N]   (prints the median session.run time)
//
// Single-threaded. Graph optimizations are off unless $KITE_ORT_OPT names a
// level ('basic', 'extended', 'all'): as a numerical reference onnxruntime
// computes the graph as written; its fusions (conv + batch norm, conv +
// activation) change the rounding.
// onnxruntime-node is resolved from $KITE_ORT_DIR/node_modules (set by
// scripts/models/fetch-zoo, which installs it).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const ortDir = process.env.KITE_ORT_DIR;
if (!ortDir) {
  console.error('ort-run: set KITE_ORT_DIR (scripts/models/fetch-zoo prints it)');
  process.exit(2);
}
const require = createRequire(path.join(ortDir, 'package.json'));
const ort = require('onnxruntime-node');

// .npy ---------------------------------------------------------------------
const DTYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '<i2': ['int16', Int16Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header))
    throw new Error(`${file}: Fortran order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
    .split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const entry = DTYPES[descr];
  if (!entry) throw new Error(`${file}: dtype ${descr} is not supported`);
  const [type, Ctor] = entry;
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(start + headerLen);
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(bytes.subarray(0, count * Ctor.BYTES_PER_ELEMENT));
  if (type === 'float64') return new ort.Tensor('float32', Float32Array.from(data), shape);
  if (type === 'int16' || type === 'int8' || type === 'uint8')
    return new ort.Tensor('float32', Float32Array.from(data), shape);
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, tensor) {
  const descr = { float32: '<f4', int64: '<i8', int32: '<i4', bool: '|b1' }[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = tensor.type === 'bool' ? Uint8Array.from(tensor.data, (v) => (v ? 1 : 0))
                                      : tensor.data;
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// Main ---------------------------------------------------------------------
const args = process.argv.slice(2);
let model = null, repeat = 0, batch = false;
const inputs = [], outputs = [];
for (let k = 0; k < args.length; ++k) {
  if (args[k] === '-i') inputs.push(args[++k]);
  else if (args[k] === '-o') outputs.push(args[++k]);
  else if (args[k] === '--repeat') repeat = Number(args[++k]);
  else if (args[k] === '--batch') batch = true;
  else model = args[k];
}
if (!model) {
  console.error('usage: node ort-run.mjs model.onnx -i x.npy ... [-o out.npy ...] [--repeat N]');
  process.exit(2);
}
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
  graphOptimizationLevel: process.env.KITE_ORT_OPT || 'disabled',
});
if (inputs.length !== session.inputNames.length) {
  console.error(`ort-run: ${model} takes ${session.inputNames.length} input(s), got ${inputs.length}`);
  process.exit(1);
}
const tensors = inputs.map(readNpy);
const feeds = {};
session.inputNames.forEach((name, k) => { feeds[name] = tensors[k]; });

// Rows of a tensor, [begin, end) along dimension 0.
function rows(t, begin, end) {
  const row = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(begin * row, end * row),
                        [end - begin, ...t.dims.slice(1)]);
}
function concatRows(parts) {
  const first = parts[0];
  const total = parts.reduce((n, p) => n + p.dims[0], 0);
  const data = new first.data.constructor(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) { data.set(p.data, at); at += p.data.length; }
  return new ort.Tensor(first.type, data, [total, ...first.dims.slice(1)]);
}

// With --batch, inputs whose leading dimension exceeds the model's static
// one run in batches of it (the last one shorter when the model allows).
let result;
const meta = session.inputMetadata;
const lead = Array.isArray(meta) && meta[0] && Array.isArray(meta[0].shape)
  ? meta[0].shape[0] : undefined;
const samples = tensors.length ? tensors[0].dims[0] : 0;
if (batch && typeof lead === 'number' && samples > lead) {
  const outs = session.outputNames.map(() => []);
  for (let begin = 0; begin < samples; begin += lead) {
    const end = Math.min(samples, begin + lead);
    const part = {};
    session.inputNames.forEach((name, k) => { part[name] = rows(tensors[k], begin, end); });
    const r = await session.run(part);
    session.outputNames.forEach((name, k) => outs[k].push(r[name]));
  }
  result = {};
  session.outputNames.forEach((name, k) => { result[name] = concatRows(outs[k]); });
} else {
  result = await session.run(feeds);
}
session.outputNames.forEach((name, k) => {
  if (k < outputs.length) writeNpy(outputs[k], result[name]);
});
if (repeat > 0) {
  const times = [];
  for (let r = 0; r < repeat; ++r) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  console.log(`session.run median ${times[times.length >> 1].toFixed(6)} s over ${repeat} runs`);
}
