// The etcdctl emulator's files on the real disk: snapshot save writes where
// the real etcdctl would, snapshot status reads real files.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { FileSystem } from '../../terminal/core/vfs.ts';

export class NodeFS implements FileSystem {
  readFile(path: string): Uint8Array | undefined {
    try {
      const b = readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch {
      return undefined;
    }
  }

  writeFile(path: string, data: Uint8Array): void {
    writeFileSync(path, data);
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  isDir(path: string): boolean {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  }

  mkdir(path: string): void {
    mkdirSync(path, { recursive: true });
  }
}
