// Rewrites a golden file from a real etcd 3.4.23: runs its steps against
// ENDPOINT with the real etcdctl and stores what came back, ports as "PORT".
//   etcd --data-dir /tmp/x --listen-client-urls http://127.0.0.1:32479 \
//        --advertise-client-urls http://127.0.0.1:32479 --listen-peer-urls http://127.0.0.1:32480 &
//   npx tsx test/server-mode/capture.ts 127.0.0.1:32479 kv.jsonl
// Start each capture from an empty data dir: the goldens assume a fresh member.
import { writeFileSync } from 'node:fs';
import { readGolden, runSteps } from './harness.ts';

const [endpoint, name] = process.argv.slice(2);
if (!endpoint || !name) {
  console.error('usage: capture.ts HOST:PORT GOLDEN.jsonl');
  process.exit(2);
}
const steps = await runSteps(endpoint, readGolden(name));
writeFileSync(new URL(`golden/${name}`, import.meta.url), steps.map((s) => JSON.stringify(s)).join('\n') + '\n');
console.log(`${steps.length} steps captured`);
