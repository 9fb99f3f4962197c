/**
 * Benchmark runner: `npm run bench -- <name>`. Each benchmark prints progress to stderr and
 * ends stdout with one line of JSON holding its figures (recorded in docs/benchmarks.md).
 * Benchmarks compare against a baseline measured in the same process and run, so the
 * figures are ratios that travel between machines.
 */
const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  api: async () => (await import('./api.bench.js')).run(),
  upload: async () => (await import('./upload.bench.js')).run(),
  'visant-load': async () => (await import('./visant-load.bench.js')).run(),
  render: async () => (await import('./render.bench.js')).run(),
  faces: async () => (await import('./faces.bench.js')).run(),
  jobs: async () => (await import('./jobs.bench.js')).run(),
  'social-publish': async () => (await import('./social-publish.bench.js')).run(),
  brandkit: async () => (await import('./brandkit.bench.js')).run(),
  soak: async () => (await import('./soak.bench.js')).run(),
  serializer: async () => (await import('./serializer.bench.js')).run(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const result = await bench();
console.log(JSON.stringify({ bench: name, date: new Date().toISOString(), ...result }));
process.exit(0);
