import { describe, expect, it } from 'vitest';
import { crc32, zipStore } from './zip';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Reads the entries back through the central directory, as an unzip tool does. */
function readZip(zip: Uint8Array): { name: string; data: string; crc: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    const start = local + 30 + view.getUint16(local + 26, true);
    out.push({ name, data: new TextDecoder().decode(zip.subarray(start, start + size)), crc: view.getUint32(at + 16, true) });
    at += 46 + nameLength;
  }
  return out;
}

describe('zip writer', () => {
  it('computes the IEEE CRC-32', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('stores entries that read back with their names, bytes and checksums', () => {
    const zip = zipStore([
      { name: 'cats/1.jpg', data: bytes('meow') },
      { name: 'dogs/été.png', data: bytes('woof!') },
      { name: 'empty.gif', data: new Uint8Array() },
    ]);
    expect(readZip(zip)).toEqual([
      { name: 'cats/1.jpg', data: 'meow', crc: crc32(bytes('meow')) },
      { name: 'dogs/été.png', data: 'woof!', crc: crc32(bytes('woof!')) },
      { name: 'empty.gif', data: '', crc: 0 },
    ]);
  });

  it('writes an empty archive as just the end record', () => {
    expect(zipStore([]).length).toBe(22);
  });
});
