import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { WEBHOOK_PATH } from "../create-webhook-middleware.js";

const appYml = fileURLToPath(new URL("../../../app.yml", import.meta.url));

export interface AppManifest {
  name: string;
  url: string;
  description?: string;
  public?: boolean;
  hook_attributes: { url: string; active?: boolean };
  redirect_url: string;
  callback_urls: string[];
  setup_url?: string;
  default_permissions: Record<string, string>;
  default_events: string[];
  request_oauth_on_install?: boolean;
}

/** app.yml plus the URLs of this deployment: GitHub's manifest, ready to post. */
export function buildAppManifest(publicUrl: string, file = appYml): AppManifest {
  const base = parse(readFileSync(file, "utf8")) as Omit<AppManifest, "hook_attributes" | "redirect_url" | "callback_urls">;
  return {
    ...base,
    hook_attributes: { url: `${publicUrl}${WEBHOOK_PATH}`, active: true },
    redirect_url: `${publicUrl}/setup/callback`,
    callback_urls: [`${publicUrl}/auth/github/callback`],
    setup_url: `${publicUrl}/`,
  };
}
