import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, promises as fs, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
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

function listFilesRecursive(root: string, relative: string, out: { path: string; symlink: boolean }[]): void {
  const entries = readdirSync(path.join(root, relative), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) listFilesRecursive(root, child, out);
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

/**
 * Files up to this size are read synchronously, and directory listings, `lstat` and `realpath`
 * are synchronous too. Each such call is a few microseconds of system calls, where an
 * `fs/promises` call costs several thread-pool round trips (open, stat, read, close: ~0.1 ms each
 * on a busy loop); a model load does a dozen of them, and the flavor then blocks the loop far
 * longer building the native model. Larger files stay asynchronous, so a big read never blocks.
 */
const SYNC_READ_LIMIT = 1024 * 1024;

/** The file's size when it is a regular file small enough to read synchronously, else undefined. */
function smallFileSize(file: string): number | undefined {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && stat.isFile() && stat.size <= SYNC_READ_LIMIT ? stat.size : undefined;
}

/** The Node.js implementation of {@link FileSystemV1}. */
export const nodeFileSystem: FileSystemV1 = {
  async readFile(file) {
    if (smallFileSize(file) !== undefined) return new Uint8Array(readFileSync(file));
    return new Uint8Array(await fs.readFile(file));
  },
  async writeFile(file, data) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, data);
  },
  async listFiles(directory) {
    const out: { path: string; symlink: boolean }[] = [];
    listFilesRecursive(directory, '', out);
    return out.map((entry) => entry.path);
  },
  async listEntries(directory) {
    const out: { path: string; symlink: boolean }[] = [];
    listFilesRecursive(directory, '', out);
    return out;
  },
  async kind(file) {
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (stat === undefined) return 'missing';
    if (stat.isSymbolicLink()) return 'symlink';
    if (stat.isDirectory()) return 'directory';
    return 'file';
  },
  async realPath(file) {
    return realpathSync.native(file);
  },
  async sha256(file) {
    const hash = createHash('sha256');
    if (smallFileSize(file) !== undefined) return hash.update(readFileSync(file)).digest('hex');
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
