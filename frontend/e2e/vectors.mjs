// A tiny collection of vectors to import (POST /api/search/collections/import), made in the test: 60 float32
// vectors of 16 values around 3 class centres (labels alpha, beta, gamma by row % 3), with one planted
// near-duplicate pair, as the .npy file and the ids file (id<TAB>label) the search-service reads.

export const IMPORTED = { dataset: 'e2e-imported-vectors', model: 'e2e-embedder', layer: 'embedding' };
export const ROWS = 60;
export const DIM = 16;
export const LABELS = ['alpha', 'beta', 'gamma'];
/** Row 52 is row 7 again, a hair apart; both are 'beta'. */
export const PLANTED = ['item-007', 'item-052'];

const id = (row) => `item-${String(row).padStart(3, '0')}`;

/** A small seeded generator (mulberry32) and a normal deviate from it (Box-Muller): the same vectors every run. */
function random(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The vectors (row-major Float32Array) and the ids file's text. */
export function importedVectors() {
  const normal = random(11);
  const centres = LABELS.map(() => Array.from({ length: DIM }, () => 0.8 * normal()));
  const data = new Float32Array(ROWS * DIM);
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < DIM; j++) data[r * DIM + j] = centres[r % 3][j] + normal();
  }
  const [a, b] = PLANTED.map((p) => Number(p.slice(5)));
  for (let j = 0; j < DIM; j++) data[b * DIM + j] = data[a * DIM + j] + 0.001 * normal();
  const ids = Array.from({ length: ROWS }, (_, r) => `${id(r)}\t${LABELS[r % 3]}\n`).join('');
  return { data, ids };
}

/** A float32 [rows, dim] array in C order as an .npy file (format 1.0: magic, header padded to 64 bytes, data). */
export function npy(data, rows, dim) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(data.length * 4);
  data.forEach((v, i) => body.writeFloatLE(v, i * 4));
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}
