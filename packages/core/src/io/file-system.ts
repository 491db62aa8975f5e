import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The one seam between jsfunc and storage. Everything core reads or writes in a model directory
 * goes through these functions, so another implementation (for example over `fetch` in a browser)
 * can be added later without touching the loader.
 */
export interface FileSystemV1 {
  readFile(file: string): Promise<Uint8Array>;
  writeFile(file: string, data: Uint8Array | string): Promise<void>;
  /** Recursive listing of the files below `directory`, as POSIX paths relative to it. */
  listFiles(directory: string): Promise<string[]>;
  /**
   * The same listing with each entry's kind: symlinks are reported (never followed), so a caller
   * checks only those for escapes.
   */
  listEntries(directory: string): Promise<{ path: string; symlink: boolean }[]>;
  /** `file`, `directory`, `symlink`, or `missing`. */
  kind(file: string): Promise<'file' | 'directory' | 'symlink' | 'missing'>;
  realPath(file: string): Promise<string>;
  sha256(file: string): Promise<string>;
  makeDirectory(directory: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(file: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  /** A fresh, empty directory beside `target` (same parent, so a rename into place is atomic). */
  makeStagingDirectory(target: string): Promise<string>;
}

async function listFilesRecursive(root: string, relative: string, out: { path: string; symlink: boolean }[]): Promise<void> {
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) await listFilesRecursive(root, child, out);
    else out.push({ path: child, symlink: entry.isSymbolicLink() });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Files up to this size are hashed from one read; larger ones are streamed. */
const SMALL_FILE = 32 * 1024 * 1024;

/** The Node.js implementation of {@link FileSystemV1}. */
export const nodeFileSystem: FileSystemV1 = {
  async readFile(file) {
    return new Uint8Array(await fs.readFile(file));
  },
  async writeFile(file, data) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data);
  },
  async listFiles(directory) {
    const out: { path: string; symlink: boolean }[] = [];
    await listFilesRecursive(directory, '', out);
    return out.map((entry) => entry.path);
  },
  async listEntries(directory) {
    const out: { path: string; symlink: boolean }[] = [];
    await listFilesRecursive(directory, '', out);
    return out;
  },
  async kind(file) {
    try {
      const stat = await fs.lstat(file);
      if (stat.isSymbolicLink()) return 'symlink';
      if (stat.isDirectory()) return 'directory';
      return 'file';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
  },
  realPath(file) {
    return fs.realpath(file);
  },
  async sha256(file) {
    const hash = createHash('sha256');
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size <= SMALL_FILE) return hash.update(await handle.readFile()).digest('hex');
      for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer);
    } finally {
      await handle.close().catch(() => undefined);
    }
    return hash.digest('hex');
  },
  async makeDirectory(directory) {
    await fs.mkdir(directory, { recursive: true });
  },
  rename(from, to) {
    return fs.rename(from, to);
  },
  remove(file) {
    return fs.rm(file, { recursive: true, force: true });
  },
  async copyFile(from, to) {
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.copyFile(from, to);
  },
  async makeStagingDirectory(target) {
    const parent = path.dirname(path.resolve(target));
    await fs.mkdir(parent, { recursive: true });
    const prefix = `.${path.basename(target)}.jsfunc-staging-`;
    // Staging folders of saves whose process died (SIGKILL, power loss) are removed here.
    for (const entry of await fs.readdir(parent)) {
      const pid = entry.startsWith(prefix) ? Number(entry.slice(prefix.length).split('-')[0]) : Number.NaN;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processIsAlive(pid)) {
        await fs.rm(path.join(parent, entry), { recursive: true, force: true });
      }
    }
    const staging = path.join(parent, `${prefix}${process.pid}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(staging);
    return staging;
  },
};
