// BullMQ 6 (from npm), the way a job queue uses it: a queue adds a job, a
// worker processes it, the job is completed with its result. BullMQ runs
// all of this through Lua scripts (EVALSHA, cmsgpack, cjson).
//   node bullmq_job.js <node_modules dir> <port>
const { Queue, Worker } = require(process.argv[2] + "/bullmq");
const connection = { host: "127.0.0.1", port: Number(process.argv[3]) };

(async () => {
  const queue = new Queue("jobs", { connection });
  const completed = new Promise((resolve, reject) => {
    const worker = new Worker("jobs", async (job) => ({ doubled: job.data.n * 2 }), { connection });
    worker.on("completed", (job, result) => worker.close().then(() => resolve([job.id, result])));
    worker.on("failed", (job, err) => reject(err));
    worker.on("error", (err) => reject(err));
  });
  const job = await queue.add("double", { n: 21 }, { attempts: 2 });
  console.log("added", job.id);
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no completion in 20 s")), 20000));
  const [id, result] = await Promise.race([completed, timeout]);
  console.log("completed", id, JSON.stringify(result));
  console.log("counts", JSON.stringify(await queue.getJobCounts("completed", "failed", "waiting")));
  await queue.close();
  process.exit(0);
})().catch((err) => {
  console.error("failed:", err.message);
  process.exit(1);
});
