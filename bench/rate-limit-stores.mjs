// Measures one rate-limit hit on MemoryRateLimitStore and on RedisRateLimitStore: the
// latency of sequential hits, and the throughput of rounds of 100 concurrent hits, over 100
// keys. Prints a table. Needs the build (`npx tsup`) and Redis on 127.0.0.1:6379.
//
//   node bench/rate-limit-stores.mjs [hits]
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { MemoryRateLimitStore } from '../dist/index.js';
import { RedisRateLimitStore } from '../dist/redis.js';

const hits = Number(process.argv[2] ?? 5_000);
const concurrency = 100;
const prefix = `api-tokens-bench:${crypto.randomUUID().slice(0, 8)}:`;

async function sequential(store) {
  const latencies = [];
  for (let i = 0; i < hits; i++) {
    const start = performance.now();
    await store.hit(`token:${i % 100}`, 60_000, Date.now());
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  const at = (fraction) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function concurrent(store) {
  const start = performance.now();
  for (let done = 0; done < hits; done += concurrency) {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => store.hit(`token:${i}`, 60_000, Date.now())));
  }
  return hits / ((performance.now() - start) / 1000);
}

const redis = new Redis({ host: '127.0.0.1', port: 6379, commandTimeout: 2_000, maxRetriesPerRequest: 1 });
const stores = [
  ['MemoryRateLimitStore', new MemoryRateLimitStore()],
  ['RedisRateLimitStore', new RedisRateLimitStore(redis, { prefix })],
];

const rows = [];
try {
  for (const [name, store] of stores) {
    await sequential(store); // warm-up: JIT, connection, script cache
    const { p50, p99 } = await sequential(store);
    const perSecond = await concurrent(store);
    rows.push({ store: name, 'p50 ms': p50.toFixed(3), 'p99 ms': p99.toFixed(3), [`hits/s at ${concurrency} concurrent`]: Math.round(perSecond) });
  }
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

console.log(`${hits} hits per measurement, Node ${process.version}`);
console.table(rows);
