import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot } from "probot";

// The baseline of `npm run bench:webhooks`: a bare Probot app with an empty handler, in a process
// of its own so neither server's work slows the other. Tells the parent its URL, then its CPU time
// whenever asked; runs until killed.

process.on("message", (message: { cpu?: true }) => {
  if (message.cpu) process.send!({ cpuMicros: process.cpuUsage().user + process.cpuUsage().system });
});

process.once("message", async ({ privateKey, secret }: { privateKey: string; secret: string }) => {
  const probot = new Probot({ appId: 1, privateKey, secret, logLevel: "fatal" });
  const middleware = await createNodeMiddleware((app) => app.onAny(async () => {}), { probot, webhooksPath: "/api/github/webhooks" });
  const server = createServer((req, res) => void middleware(req, res));
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks` });
  });
});
