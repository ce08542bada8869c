// node-redis 5's client-side cache against a server: a read is served from
// the cache the second time, a change made by another connection (and a
// FLUSHALL) invalidates it, and the next read sees the new value.
// Usage: node node_redis_cache.js <node_modules dir> <port>
const path = require('path');
const { createClient, BasicClientSideCache } = require(path.join(process.argv[2], 'redis'));
const port = Number(process.argv[3]);

// Polls `check` until it holds, for at most 5 s.
async function until(check) {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main() {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const cached = createClient({ socket: { port, reconnectStrategy: false }, RESP: 3, clientSideCache: cache });
  const writer = createClient({ socket: { port, reconnectStrategy: false } });
  cached.on('error', (e) => { console.log('cached-error', e.message); process.exit(1); });
  writer.on('error', (e) => { console.log('writer-error', e.message); process.exit(1); });
  await cached.connect();
  await writer.connect();

  await writer.set('csc:k', 'v1');
  console.log('first', await cached.get('csc:k'));
  console.log('second', await cached.get('csc:k'));
  console.log('hits', cache.stats().hitCount, 'misses', cache.stats().missCount, 'size', cache.size());

  await writer.set('csc:k', 'v2');
  await until(() => cache.size() === 0);
  console.log('invalidated size', cache.size());
  console.log('after-change', await cached.get('csc:k'));

  await cached.hGetAll('csc:h');
  await writer.hSet('csc:h', 'f', '1');
  await until(() => cache.size() === 1);  // the hash's entry went, csc:k's stayed
  console.log('hash', JSON.stringify(await cached.hGetAll('csc:h')));

  await writer.flushAll();
  await until(() => cache.size() === 0);
  console.log('flushed size', cache.size());
  console.log('after-flush', await cached.get('csc:k'));
  console.log('tracking', (await writer.sendCommand(['CLIENT', 'LIST'])).includes('flags=t'));
  await cached.quit();
  await writer.quit();
}

main().catch((e) => { console.log('failed', e.stack || e); process.exit(1); });
