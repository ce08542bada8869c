// ioredis 5 (from npm) with its `sentinels:` option, as an app uses it: a
// write before the failover, then writes that must reach the primary the
// Sentinels promote. The primary is killed, so the closed connection is what
// sends ioredis back to the Sentinels. Not `failoverDetector: true`: in
// ioredis 5.11 a +switch-master that arrives while the connector sleeps
// between two rounds of Sentinels (sentinelRetryStrategy) clears its
// `connecting` flag, the round then throws "Connection is closed." and the
// client ends for good (status `end`), whatever server is behind it; that
// happened in about 1 run in 5.
//   node ioredis_sentinel.js <node_modules dir> <sentinel ports> <flag file>
const fs = require("fs");
const Redis = require(process.argv[2] + "/ioredis");
const sentinels = process.argv[3].split(",").map((port) => ({ host: "127.0.0.1", port: Number(port) }));
const flag = process.argv[4];

const redis = new Redis({
  sentinels,
  name: "mymaster",
  sentinelRetryStrategy: () => 100,
  retryStrategy: () => 100,
  reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 2 : false),
  maxRetriesPerRequest: null,
});
redis.on("error", () => {});  // reconnections are reported by the writes below

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function retry(call) {
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

(async () => {
  await redis.set("io-before", "1");
  await redis.wait(2, 5000);
  console.log("wrote-before");
  const deadline = Date.now() + 60000;
  while (!fs.existsSync(flag)) {
    if (Date.now() > deadline) throw new Error("the test never said the failover happened");
    await sleep(50);
  }
  await retry(() => redis.set("io-after", "2"));
  const role = await retry(() => redis.role());
  console.log("role-after", role[0]);
  console.log("values", await retry(() => redis.get("io-before")), await retry(() => redis.get("io-after")));
  redis.disconnect();
})().catch((err) => {
  console.error("failed:", err.message);
  process.exit(1);
});
