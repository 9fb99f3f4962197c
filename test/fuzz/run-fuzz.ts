import { fuzz } from './openapi-fuzzer.js';
import { setUpFuzzing } from './fuzz-world.js';

/**
 * npm run fuzz [-- <requests> [seed]]: the long run of the /openapi.json fuzzer (10,000 requests
 * by default) on the embedded database, or on DATABASE_URL. Prints the answers by status and by
 * route, and every broken promise; exits 1 when there is one.
 */
const total = Number(process.argv[2] ?? process.env.FUZZ_REQUESTS ?? 10_000);
const seed = Number(process.argv[3] ?? process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const setup = await setUpFuzzing();
const started = Date.now();
try {
  console.log(`fuzzing ${setup.operations.length} operations with ${total} requests (seed ${seed})`);
  const report = await fuzz({
    ...setup,
    total,
    seed,
    onProgress: (done) => {
      if (done % 1000 === 0) console.log(`  ${done} requests, ${Math.round((Date.now() - started) / 1000)} s`);
    },
  });
  console.log(`\n${report.requests} requests in ${Math.round((Date.now() - started) / 1000)} s, by status:`);
  for (const [status, count] of Object.entries(report.byStatus).sort()) console.log(`  ${status}: ${count}`);
  const serverErrors = Object.entries(report.byStatus).filter(([s]) => Number(s) >= 500 || s === '0').reduce((n, [, c]) => n + c, 0);
  console.log(`5xx or no answer: ${serverErrors}`);
  console.log(`stalls (no answer in 30 s, answered correctly when sent again): ${report.stalls.length}`);
  for (const stall of report.stalls.slice(0, 10)) console.log(`  ${stall.slice(0, 200)}`);
  console.log('\nby route:');
  for (const [op, counts] of Object.entries(report.byOperation)) console.log(`  ${op.padEnd(62)} ${Object.entries(counts).sort().map(([s, c]) => `${s}×${c}`).join(' ')}`);
  if (report.failures.length) {
    console.log(`\n${report.failures.length} broken promises (seed ${seed}):`);
    for (const f of report.failures.slice(0, 50)) console.log(`- ${f.request}\n    → ${f.problems.join('; ')}`);
    process.exitCode = 1;
  } else console.log('\nno broken promise');
} finally {
  await setup.close();
}
