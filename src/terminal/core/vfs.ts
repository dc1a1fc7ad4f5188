// The playground's file system: flat absolute paths to bytes. snapshot save
// writes here, snapshot restore reads here, and the page can download and
// upload these files. Directories exist implicitly (a path prefix) or
// explicitly (mkdir, e.g. a restored member's data dir).

/** What commands do with files (snapshot save, status, restore); paths are absolute. */
export interface FileSystem {
  readFile(path: string): Uint8Array | undefined;
  writeFile(path: string, data: Uint8Array): void;
  exists(path: string): boolean;
  isDir(path: string): boolean;
  mkdir(path: string): void;
}

export class VirtualFS implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>(['/']);

  /** An absolute, normalized path for p relative to cwd. */
  static resolve(cwd: string, p: string): string {
    const parts = (p.startsWith('/') ? p : `${cwd}/${p}`).split('/');
    const out: string[] = [];
    for (const part of parts) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return '/' + out.join('/');
  }

  readFile(path: string): Uint8Array | undefined {
    return this.files.get(path);
  }

  writeFile(path: string, data: Uint8Array): void {
    this.files.set(path, data);
  }

  exists(path: string): boolean {
    return this.files.has(path) || this.isDir(path);
  }

  isDir(path: string): boolean {
    if (this.dirs.has(path)) return true;
    const prefix = path.endsWith('/') ? path : path + '/';
    for (const f of this.files.keys()) if (f.startsWith(prefix)) return true;
    return false;
  }

  mkdir(path: string): void {
    this.dirs.add(path);
  }

  remove(path: string): void {
    this.files.delete(path);
    this.dirs.delete(path);
    const prefix = path + '/';
    for (const f of [...this.files.keys()]) if (f.startsWith(prefix)) this.files.delete(f);
    for (const d of [...this.dirs]) if (d.startsWith(prefix)) this.dirs.delete(d);
  }

  /** Every file, for download and persistence. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }
}
