// A minimal ZIP writer (deflate, no external zip binary) for the run-from-package artifact, entries sorted for a stable
// layout, and the reader the tests and the start-up bench unpack it with.
import { closeSync, openSync, readFileSync, readdirSync, writeSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

// A fixed timestamp (1980-01-01, the DOS epoch) keeps the zip byte-identical across builds.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Zips every file below `dir` into `zipPath`; resolves to the number of entries. */
export async function createZip(dir: string, zipPath: string): Promise<number> {
  const fd = openSync(zipPath, "w");
  const central: Buffer[] = [];
  let offset = 0;
  const files = listFiles(dir);
  try {
    for (const file of files) {
      const name = Buffer.from(relative(dir, file).split(sep).join("/"), "utf8");
      const data = readFileSync(file);
      const crc = crc32(data);
      const deflated = deflateRawSync(data, { level: 6 });
      const useDeflate = deflated.length < data.length;
      const body = useDeflate ? deflated : data;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(useDeflate ? 8 : 0, 8);
      local.writeUInt16LE(DOS_TIME, 10);
      local.writeUInt16LE(DOS_DATE, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      writeSync(fd, local);
      writeSync(fd, name);
      writeSync(fd, body);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(0x031e, 4); // made by Unix, spec 3.0
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(useDeflate ? 8 : 0, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(body.length, 20);
      header.writeUInt32LE(data.length, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += local.length + name.length + body.length;
    }
    const centralBuffer = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(centralBuffer.length, 12);
    end.writeUInt32LE(offset, 16);
    writeSync(fd, centralBuffer);
    writeSync(fd, end);
  } finally {
    closeSync(fd);
  }
  if (files.length > 0xffff || offset > 0xffffffff) throw new Error("the artifact needs ZIP64, which this writer does not produce");
  return files.length;
}

/** The entries of a zip this writer made (stored or deflated, no ZIP64), read through its central directory. */
export function readZip(zipPath: string): Array<{ name: string; data: Buffer }> {
  const zip = readFileSync(zipPath);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1) throw new Error(`${zipPath} is not a zip (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + compressed);
    entries.push({ name, data: method === 8 ? inflateRawSync(body) : Buffer.from(body) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
