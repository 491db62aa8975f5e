// Which mappings of a process grew between two copies of /proc/<pid>/smaps (soak-trace.mjs writes
// them with TRACE_SMAPS_DIR): per mapping (start address and name) the resident kB in each, sorted
// by growth, plus totals by kind ([heap] = glibc's main arena, anonymous, named files, stacks).
//   node scripts/smaps-diff.mjs before.smaps after.smaps [rows=25]
import { readFileSync } from 'node:fs';

function parse(file) {
  const mappings = new Map();
  let current;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const [, start, end, perms, name] = head;
      current = { start, size: (parseInt(end, 16) - parseInt(start, 16)) / 1024, perms, name: name || '[anon]', rss: 0, anon: 0 };
      mappings.set(`${start} ${current.name}`, current);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field && current) current[field[1] === 'Rss' ? 'rss' : 'anon'] = Number(field[2]);
  }
  return mappings;
}

function kind(name) {
  if (name === '[anon]') return 'anonymous';
  if (name.startsWith('[')) return name.replace(/:.*$/, ']').replace(/\]\]$/, ']');
  if (/\.so(\.|$)/.test(name) || name.endsWith('.node')) return 'shared objects';
  return 'other files';
}

const [before, after] = [parse(process.argv[2]), parse(process.argv[3])];
const rows = Number(process.argv[4] ?? 25);
const keys = new Set([...before.keys(), ...after.keys()]);
const changes = [];
const totals = {};
for (const key of keys) {
  const a = before.get(key);
  const b = after.get(key);
  const m = b ?? a;
  const k = kind(m.name);
  totals[k] ??= [0, 0];
  totals[k][0] += a?.rss ?? 0;
  totals[k][1] += b?.rss ?? 0;
  changes.push({ key, size: m.size, perms: m.perms, before: a?.rss ?? null, after: b?.rss ?? null, delta: (b?.rss ?? 0) - (a?.rss ?? 0) });
}
changes.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
console.log('kind                 before kB   after kB   delta kB');
for (const [k, [x, y]] of Object.entries(totals).sort((p, q) => Math.abs(q[1][1] - q[1][0]) - Math.abs(p[1][1] - p[1][0]))) console.log(`${k.padEnd(20)} ${String(x).padStart(10)} ${String(y).padStart(10)} ${String(y - x).padStart(10)}`);
console.log('\nmapping (start, name)                                   size kB  perms   before     after     delta');
for (const c of changes.slice(0, rows)) console.log(`${c.key.slice(0, 54).padEnd(54)} ${String(c.size).padStart(9)}  ${c.perms}  ${String(c.before ?? '-').padStart(7)}  ${String(c.after ?? '-').padStart(8)}  ${String(c.delta).padStart(8)}`);
