import { randomBytes, timingSafeEqual } from "node:crypto";
import { Router, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { buildAppManifest } from "./build-app-manifest.js";
import { updateEnvFile } from "./update-env-file.js";

export interface SetupRoutesOptions {
  publicUrl: string;
  /** https://github.com or the Enterprise host */
  webUrl: string;
  apiUrl: string;
  /** the dotenv file the new credentials are written to */
  envFile: string;
  log: Logger;
  fetch?: typeof fetch;
}

const STATE_COOKIE = "illuminate_setup_state";

const conversionSchema = z.object({
  id: z.number(),
  slug: z.string(),
  name: z.string().optional(),
  html_url: z.string(),
  client_id: z.string(),
  client_secret: z.string(),
  webhook_secret: z.string().nullable(),
  pem: z.string(),
});

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action https: http:; frame-ancestors 'none'; base-uri 'none'")
    .setHeader("Cache-Control", "no-store")
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Illuminate</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.6rem}code{background:#f3f4f6;padding:0 .25rem;border-radius:4px}button{font:inherit;padding:.6rem 1rem;border-radius:6px;border:0;background:#4338ca;color:#fff;cursor:pointer}input{font:inherit;padding:.4rem;border:1px solid #9ca3af;border-radius:4px}label{display:block;margin:1rem 0 .25rem}a{color:#4338ca}</style>` +
        `</head><body><main>${body}</main></body></html>`,
    );
}

/**
 * GitHub's app-manifest flow: the form posts app.yml (with this deployment's URLs) to GitHub,
 * GitHub sends the visitor back with a code, and the code is exchanged for the app's credentials,
 * which are written to the env file. Only mounted while the app is not configured, never in production.
 */
export function createSetupRoutes(options: SetupRoutesOptions): Router {
  const router = Router();
  const doFetch = options.fetch ?? fetch;
  const secureCookie = options.publicUrl.startsWith("https:");

  router.get("/setup", (req, res) => {
    const organization = typeof req.query.organization === "string" ? req.query.organization.trim() : "";
    if (organization && !/^[A-Za-z0-9-]{1,39}$/.test(organization)) {
      sendPage(res, 400, "Invalid organization", `<h1>That is not a GitHub organization name</h1><p><a href="/setup">Try again</a></p>`);
      return;
    }
    const state = randomBytes(24).toString("base64url");
    res.cookie(STATE_COOKIE, state, { httpOnly: true, sameSite: "lax", secure: secureCookie, maxAge: 30 * 60_000, path: "/setup" });
    const target = organization
      ? `${options.webUrl}/organizations/${organization}/settings/apps/new?state=${state}`
      : `${options.webUrl}/settings/apps/new?state=${state}`;
    const manifest = JSON.stringify(buildAppManifest(options.publicUrl));
    sendPage(
      res,
      200,
      "Register the GitHub App",
      `<h1>Register Illuminate as a GitHub App</h1>
<p>Illuminate is running in <strong>setup mode</strong>: everything works on its own data, but it cannot receive webhooks or sign anyone in until a GitHub App exists.</p>
<p>The button sends the manifest in <code>app.yml</code> to GitHub. GitHub shows you the app's permissions (issues: write, pull requests, contents and metadata: read) and creates it. You come back here, and the app's id, private key, webhook secret and OAuth client are written to <code>${escapeHtml(options.envFile)}</code>. Then restart Illuminate.</p>
<p>Webhooks will be sent to <code>${escapeHtml(options.publicUrl)}/api/github/webhooks</code>: GitHub must be able to reach that address (set <code>PUBLIC_URL</code> to a public URL or a tunnel).</p>
${/^https?:\/\/(localhost|127\.|\[::1\])/.test(options.publicUrl) ? `<p><strong>Note:</strong> <code>PUBLIC_URL</code> is a local address. The app can still be registered, but GitHub cannot deliver webhooks to it until you point <code>PUBLIC_URL</code> at a tunnel and update the app's webhook URL.</p>` : ""}
<form method="get" action="/setup"><label for="organization">Register it for an organization instead of your account (optional)</label><input id="organization" name="organization" value="${escapeHtml(organization)}" placeholder="organization"> <button type="submit">Use this organization</button></form>
<form method="post" action="${escapeHtml(target)}"><input type="hidden" name="manifest" value="${escapeHtml(manifest)}"><p><button type="submit">Register on GitHub${organization ? ` for ${escapeHtml(organization)}` : ""}</button></p></form>
<p><a href="/">Back to the dashboard</a></p>`,
    );
  });

  router.get("/setup/callback", async (req, res, next) => {
    try {
      const code = typeof req.query.code === "string" ? req.query.code : "";
      const state = typeof req.query.state === "string" ? req.query.state : "";
      const expected = (req.headers.cookie ?? "")
        .split(";")
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${STATE_COOKIE}=`))
        ?.slice(STATE_COOKIE.length + 1);
      if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
        sendPage(res, 400, "Missing code", `<h1>GitHub did not send a registration code</h1><p><a href="/setup">Start again</a></p>`);
        return;
      }
      if (!expected || expected.length !== state.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(state))) {
        sendPage(res, 400, "Setup expired", `<h1>This registration did not start here, or it expired</h1><p><a href="/setup">Start again</a></p>`);
        return;
      }
      res.clearCookie(STATE_COOKIE, { path: "/setup" });
      const response = await doFetch(`${options.apiUrl}/app-manifests/${encodeURIComponent(code)}/conversions`, {
        method: "POST",
        headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "illuminate" },
      });
      if (!response.ok) {
        options.log.warn({ status: response.status }, "app manifest conversion refused");
        sendPage(res, 502, "Registration failed", `<h1>GitHub refused the registration code (HTTP ${response.status})</h1><p>Codes expire after an hour and work once. <a href="/setup">Start again</a></p>`);
        return;
      }
      const app = conversionSchema.parse(await response.json());
      updateEnvFile(options.envFile, {
        APP_ID: String(app.id),
        PRIVATE_KEY: app.pem,
        WEBHOOK_SECRET: app.webhook_secret ?? randomBytes(32).toString("hex"),
        GITHUB_CLIENT_ID: app.client_id,
        GITHUB_CLIENT_SECRET: app.client_secret,
      });
      options.log.info({ appId: app.id, slug: app.slug }, "github app registered");
      sendPage(
        res,
        200,
        "GitHub App registered",
        `<h1>${escapeHtml(app.name ?? app.slug)} is registered</h1>
<p>Its credentials are in <code>${escapeHtml(options.envFile)}</code>. <strong>Restart Illuminate</strong> so it picks them up, then install the app on the repositories you maintain:</p>
<p><a href="${escapeHtml(app.html_url)}/installations/new">Install ${escapeHtml(app.name ?? app.slug)} on GitHub</a></p>`,
      );
    } catch (error) {
      next(error);
    }
  });

  return router;
}
