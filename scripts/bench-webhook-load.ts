import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
// The load generator of `npm run bench:webhooks`, in a child process of its own so sending does not
// take CPU from the servers being measured. Receives one run's settings, answers with its figures.

export interface LoadRun {
  url: string;
  secret: string;
  installationId: number;
  mode: "rate" | "flat-out";
  count: number;
  rate: number;
  concurrency: number;
  /** keeps ids distinct across runs against the same database */
  offset: number;
}

export interface LoadResult {
  acked: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** acknowledgements slower than 50 ms, and the seconds between the first and last of them being sent: one stall or many */
  slow: { count: number; spanSeconds: number };
}

interface Delivery {
  event: string;
  body: string;
  signature: string;
}

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
const example = (event: string, action: string) => structuredClone(examples.find((d) => d.name === event)!.examples.find((e) => e.action === action)!);

/** A realistic mix: new issues, labels, comments (some claims), pull requests that link issues. */
function deliveries(run: LoadRun): Delivery[] {
  return Array.from({ length: run.count }, (_, n) => {
    const i = run.offset + n;
    const at = new Date(Date.UTC(2024, 0, 1, 0, 0, i % 86_400)).toISOString();
    let event = "issues";
    let payload: Record<string, unknown>;
    const issue = { id: 10_000_000 + i, node_id: `I_bench${i}`, number: 1 + i, updated_at: at };
    if (i % 4 === 0 || i % 4 === 2) {
      payload = example("issues", i % 4 === 0 ? "opened" : "labeled");
      Object.assign(payload.issue as object, issue);
    } else if (i % 4 === 1) {
      event = "issue_comment";
      payload = example("issue_comment", "created");
      Object.assign(payload.issue as object, issue);
      Object.assign(payload.comment as object, { id: 20_000_000 + i, body: i % 8 === 1 ? "Can I work on this?" : "Thanks!", author_association: "NONE" });
    } else {
      event = "pull_request";
      payload = example("pull_request", "opened");
      Object.assign(payload.pull_request as object, { id: 30_000_000 + i, node_id: `PR_bench${i}`, number: 1_000_000 + i, body: `Fixes #${i}`, updated_at: at });
    }
    payload.installation = { id: run.installationId };
    const body = JSON.stringify(payload);
    return { event, body, signature: `sha256=${createHmac("sha256", run.secret).update(body).digest("hex")}` };
  });
}

interface Timing {
  sentAt: number;
  ms: number;
}

async function post(url: string, delivery: Delivery): Promise<Timing> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": delivery.event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": delivery.signature,
      "user-agent": "GitHub-Hookshot/bench",
    },
    body: delivery.body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`answered ${response.status}`);
  return { sentAt: started, ms: performance.now() - started };
}

const SLOW_MS = 50;

function summarize(timings: Timing[], failed: number, seconds: number): LoadResult {
  const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const slowSent = timings.filter((t) => t.ms > SLOW_MS).map((t) => t.sentAt);
  const spanSeconds = slowSent.length > 0 ? (Math.max(...slowSent) - Math.min(...slowSent)) / 1000 : 0;
  return { acked: sorted.length, failed, perSecond: sorted.length / seconds, p50: at(50), p99: at(99), max: sorted.at(-1) ?? Number.NaN, slow: { count: slowSent.length, spanSeconds } };
}

/** Open loop: one delivery every 1/rate s whatever the server does, so slowness shows as latency. */
async function atRate(run: LoadRun, batch: Delivery[]): Promise<LoadResult> {
  const timings: Timing[] = [];
  let failed = 0;
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (const [i, delivery] of batch.entries()) {
    const wait = started + (i * 1000) / run.rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(run.url, delivery).then((timing) => void timings.push(timing), () => void (failed += 1)));
  }
  await Promise.all(inFlight);
  return summarize(timings, failed, (performance.now() - started) / 1000);
}

/** Closed loop: `concurrency` senders as fast as answers come back: the most the server acknowledges. */
async function flatOut(run: LoadRun, batch: Delivery[]): Promise<LoadResult> {
  const timings: Timing[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: run.concurrency }, async () => {
      while (next < batch.length) {
        const delivery = batch[next++]!;
        await post(run.url, delivery).then((timing) => void timings.push(timing), () => void (failed += 1));
      }
    }),
  );
  return summarize(timings, failed, (performance.now() - started) / 1000);
}

process.once("message", (run: LoadRun) => {
  const batch = deliveries(run);
  void (run.mode === "rate" ? atRate(run, batch) : flatOut(run, batch)).then((result) => process.send!(result, () => process.exit(0)));
});
