// Benchmark entry point: `npm run bench` (or `npm run bench -- --json`).
// Placeholder until benchmarks are added.

const json = process.argv.slice(2).includes('--json');

if (json) {
  console.log(JSON.stringify({}));
} else {
  console.log('no benchmarks yet');
}
