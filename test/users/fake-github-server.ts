import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fixtureGithubResponse, fixtureUsers } from "../fixtures/repos/fixture-github.js";

/**
 * A local stand-in for a GitHub Enterprise host, for the browser test: the authorize page a person
 * clicks through, the token endpoint (checking the client secret, the code and the PKCE verifier),
 * and the REST API under /api/v3 answering from the fixture repositories.
 */
export interface FakeGithub {
  host: string;
  url: string;
  /** codes exchanged, so a test can tell PKCE was honoured */
  exchanges: Array<{ code: string; verified: boolean }>;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startFakeGithub(options: { clientId: string; clientSecret: string; login: string }): Promise<FakeGithub> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const exchanges: FakeGithub["exchanges"] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
        const redirectUri = url.searchParams.get("redirect_uri") ?? "";
        if (url.searchParams.get("client_id") !== options.clientId || url.searchParams.get("code_challenge_method") !== "S256") {
          res.writeHead(400, { "content-type": "text/plain" }).end("bad authorize request");
          return;
        }
        const code = randomBytes(10).toString("hex");
        codes.set(code, { challenge: url.searchParams.get("code_challenge") ?? "", redirectUri });
        res.writeHead(200, { "content-type": "text/html" }).end(
          `<!doctype html><title>Authorize application</title><h1>Authorize Illuminate</h1><p>Signed in as ${escapeHtml(options.login)}</p>` +
            `<form method="get" action="${escapeHtml(redirectUri)}"><input type="hidden" name="code" value="${code}"><input type="hidden" name="state" value="${escapeHtml(url.searchParams.get("state") ?? "")}"><button type="submit">Authorize Illuminate</button></form>`,
        );
        return;
      }
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
        const body = new URLSearchParams(await readBody(req));
        const pending = codes.get(body.get("code") ?? "");
        codes.delete(body.get("code") ?? "");
        const verified = Boolean(pending) && createHash("sha256").update(body.get("code_verifier") ?? "").digest("base64url") === pending!.challenge;
        exchanges.push({ code: body.get("code") ?? "", verified });
        res.writeHead(200, { "content-type": "application/json" });
        if (!verified || body.get("client_secret") !== options.clientSecret || body.get("redirect_uri") !== pending!.redirectUri) {
          res.end(JSON.stringify({ error: "bad_verification_code" }));
          return;
        }
        const token = `ghu_${randomBytes(18).toString("base64url")}`;
        tokens.set(token, options.login);
        res.end(JSON.stringify({ access_token: token, expires_in: 28_800, refresh_token: `ghr_${randomBytes(30).toString("base64url")}`, refresh_token_expires_in: 15_897_600, token_type: "bearer", scope: "" }));
        return;
      }
      if (url.pathname.startsWith("/api/v3/")) {
        const answer = fixtureGithubResponse({ loginForToken: (t) => tokens.get(t) ?? null }, req.method ?? "GET", url.pathname.slice(7) + url.search, req.headers.authorization);
        const body = answer?.body;
        // The browser has no network: an avatar from GitHub's CDN would only fail to load.
        if (url.pathname === "/api/v3/user" && body && typeof body === "object") Object.assign(body, { avatar_url: null });
        res.writeHead(answer?.status ?? 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { message: "Not Found" }));
        return;
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  if (!fixtureUsers[options.login]) throw new Error(`no fixture user ${options.login}`);
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
