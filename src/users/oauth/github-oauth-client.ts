import { z } from "zod";

/** What GitHub hands over for a user: the 8-hour token and, for expiring tokens, a 6-month refresh token. */
export interface TokenGrant {
  accessToken: string;
  accessExpiresAt: Date | null;
  refreshToken: string | null;
  refreshExpiresAt: Date | null;
}

/** GitHub refused the code or refresh token (`bad_verification_code`, `bad_refresh_token`, …). */
export class OAuthGrantError extends Error {
  override name = "OAuthGrantError";
  constructor(
    public readonly code: string,
    description?: string,
  ) {
    super(`GitHub refused the grant: ${code}${description ? ` (${description})` : ""}`);
  }
}

export interface GithubOAuthClient {
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string }): string;
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenGrant>;
  refresh(refreshToken: string): Promise<TokenGrant>;
  /** Removes the App's authorization for this user on GitHub (account deletion). Best effort. */
  deleteGrant(accessToken: string): Promise<boolean>;
}

const grantSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.coerce.number().int().positive().optional(),
});
const errorSchema = z.object({ error: z.string().min(1), error_description: z.string().optional() });

export function createGithubOAuthClient(options: {
  webUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  now: () => Date;
  fetch?: typeof fetch;
}): GithubOAuthClient {
  const doFetch = options.fetch ?? fetch;
  const tokenUrl = `${options.webUrl}/login/oauth/access_token`;

  // GitHub answers 200 with an `error` field for a bad code or refresh token, so the body decides.
  async function requestGrant(params: Record<string, string>): Promise<TokenGrant> {
    const response = await doFetch(tokenUrl, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", "user-agent": "illuminate" },
      body: new URLSearchParams({ client_id: options.clientId, client_secret: options.clientSecret, ...params }),
      signal: AbortSignal.timeout(15_000),
    });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new Error(`GitHub's token endpoint answered ${response.status} without JSON`);
    }
    const refused = errorSchema.safeParse(body);
    if (refused.success) throw new OAuthGrantError(refused.data.error, refused.data.error_description);
    if (!response.ok) throw new Error(`GitHub's token endpoint answered ${response.status}`);
    const grant = grantSchema.safeParse(body);
    if (!grant.success) throw new Error("GitHub's token endpoint answered in an unexpected shape");
    const now = options.now().getTime();
    const { access_token, expires_in, refresh_token, refresh_token_expires_in } = grant.data;
    return {
      accessToken: access_token,
      accessExpiresAt: expires_in ? new Date(now + expires_in * 1000) : null,
      refreshToken: refresh_token ?? null,
      refreshExpiresAt: refresh_token && refresh_token_expires_in ? new Date(now + refresh_token_expires_in * 1000) : null,
    };
  }

  return {
    authorizeUrl({ redirectUri, state, codeChallenge }) {
      // A GitHub App's permissions come from the App itself: no `scope` is requested.
      const query = new URLSearchParams({
        client_id: options.clientId,
        redirect_uri: redirectUri,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
      });
      return `${options.webUrl}/login/oauth/authorize?${query}`;
    },
    exchangeCode: ({ code, redirectUri, codeVerifier }) => requestGrant({ code, redirect_uri: redirectUri, code_verifier: codeVerifier }),
    refresh: (refreshToken) => requestGrant({ grant_type: "refresh_token", refresh_token: refreshToken }),
    async deleteGrant(accessToken) {
      const response = await doFetch(`${options.apiUrl}/applications/${encodeURIComponent(options.clientId)}/grant`, {
        method: "DELETE",
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`,
          "content-type": "application/json",
          "user-agent": "illuminate",
          "x-github-api-version": "2022-11-28",
        },
        body: JSON.stringify({ access_token: accessToken }),
        signal: AbortSignal.timeout(15_000),
      });
      return response.status === 204;
    },
  };
}
