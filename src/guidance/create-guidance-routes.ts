import { Router, type RequestHandler, type Response } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { HttpError, notFound } from "../http/http-error.js";
import type { GuidanceRateLimiters } from "./create-rate-limiters.js";
import type { RepositoryAccess } from "./create-repository-access.js";
import { SECTION_KEYS } from "./deep-dive-sections.js";
import type { DeepDiveService, DeepDiveView } from "./deep-dive-service.js";
import { getDeepDive } from "./deep-dive-store.js";
import type { IssueSource } from "./issue-source.js";
import { getReportRepository, listRepositoryReports, REPORT_REASONS, resolveReport, upsertReport } from "./report-store.js";

export interface GuidanceRoutesDeps {
  knex: Knex;
  service: DeepDiveService;
  issues: IssueSource;
  access: RepositoryAccess;
  limiters: GuidanceRateLimiters;
  auth: { requireUser: RequestHandler; optionalUser: RequestHandler };
}

const id = z.coerce.number({ message: "expected a number" }).int().positive().max(Number.MAX_SAFE_INTEGER);
const issueParams = z.object({ id });
const repoParams = z.object({
  owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "not a GitHub owner name"),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "not a GitHub repository name"),
});
const numberParams = repoParams.extend({ number: id });
const reportBody = z
  .object({
    deepDiveId: id,
    section: z.enum(["all", ...SECTION_KEYS]).default("all"),
    reason: z.enum(REPORT_REASONS).default("inaccurate"),
    comment: z.string().trim().max(1_000, "keep the comment under 1000 characters").optional(),
  })
  .strict();

function send(res: Response, view: DeepDiveView): void {
  // 202 while there is nothing to show yet; a stale or refreshing deep dive is already useful.
  if (!view.deepDive && view.status === "pending") res.setHeader("Retry-After", "2");
  res.status(!view.deepDive && view.status === "pending" ? 202 : 200).json(view);
}

export function createGuidanceRoutes(deps: GuidanceRoutesDeps): Router {
  const { knex, service, issues, access, limiters, auth } = deps;
  const router = Router();

  async function readableIssue(issueId: number, login: string | undefined) {
    const issue = await issues.getIssueHeader(issueId);
    // A private repository's issue does not exist for those who cannot read it.
    if (!issue || !(await access.canRead(issue.repository, login))) throw notFound("No indexed issue with this id", "issue_not_found");
    return issue;
  }

  async function view(issueId: number, login: string | undefined, res: Response) {
    const result = await service.getView(await readableIssue(issueId, login));
    if (!result) throw notFound("No indexed issue with this id", "issue_not_found");
    send(res, result);
  }

  router.get("/issues/:id/deep-dive", auth.optionalUser, async (req, res) => {
    await view(issueParams.parse(req.params).id, req.user?.login, res);
  });

  router.get("/repos/:owner/:repo/issues/:number/deep-dive", auth.optionalUser, async (req, res) => {
    const { owner, repo, number } = numberParams.parse(req.params);
    const issueId = await issues.findIssueId(owner, repo, number);
    if (issueId === null) throw notFound(`Illuminate does not index ${owner}/${repo}#${number}`, "issue_not_found");
    await view(issueId, req.user?.login, res);
  });

  router.post("/issues/:id/deep-dive/regenerate", auth.requireUser, async (req, res) => {
    const { id: issueId } = issueParams.parse(req.params);
    const issue = await readableIssue(issueId, req.user!.login);
    const waitMs = await limiters.regenerate(req.user!.id);
    if (waitMs > 0) {
      res.setHeader("Retry-After", String(Math.ceil(waitMs / 1000)));
      throw new HttpError(429, "rate_limited", `You asked for several regenerations already; try again in ${Math.ceil(waitMs / 60_000)} minutes`);
    }
    const result = await service.regenerate(issue);
    if (!result) throw notFound("No indexed issue with this id", "issue_not_found");
    res.status(202).json(result);
  });

  router.post("/issues/:id/deep-dive/report", auth.requireUser, async (req, res) => {
    const { id: issueId } = issueParams.parse(req.params);
    const body = reportBody.parse(req.body ?? {});
    const issue = await readableIssue(issueId, req.user!.login);
    const deepDive = await getDeepDive(knex, body.deepDiveId);
    if (!deepDive || deepDive.issueId !== issueId || !deepDive.sections) {
      throw new HttpError(404, "deep_dive_not_found", "That deep dive does not exist for this issue (it may have been replaced: reload the page)");
    }
    const reportId = await upsertReport(knex, {
      deepDiveId: deepDive.id,
      userId: req.user!.id,
      repositoryId: issue.repository.id,
      issueNumber: issue.number,
      section: body.section,
      reason: body.reason,
      comment: body.comment || null,
      snapshot: body.section === "all" ? null : deepDive.sections[body.section],
    });
    res.status(201).json({ report: { id: reportId, deepDiveId: deepDive.id, section: body.section, reason: body.reason } });
  });

  router.get("/repos/:owner/:repo/deep-dive-reports", auth.requireUser, async (req, res) => {
    const { owner, repo } = repoParams.parse(req.params);
    const includeResolved = z.enum(["true", "false"]).default("false").parse(req.query.resolved) === "true";
    const repository = await issues.findRepository(owner, repo);
    if (!repository) throw notFound(`Illuminate does not index ${owner}/${repo}`, "repository_not_found");
    if (!(await access.isMaintainer(repository, req.user!.login))) {
      throw new HttpError(403, "not_a_maintainer", `Only people who can push to ${repository.fullName} see its reports`);
    }
    res.json({ repository: repository.fullName, reports: await listRepositoryReports(knex, repository.id, { includeResolved, limit: 200 }) });
  });

  router.post("/deep-dive-reports/:id/resolve", auth.requireUser, async (req, res) => {
    const { id: reportId } = issueParams.parse(req.params);
    const repositoryId = await getReportRepository(knex, reportId);
    const repository = repositoryId === null ? null : await issues.getRepository(repositoryId);
    if (!repository) throw notFound("No such report", "report_not_found");
    if (!(await access.isMaintainer(repository, req.user!.login))) {
      throw new HttpError(403, "not_a_maintainer", `Only people who can push to ${repository.fullName} resolve its reports`);
    }
    await resolveReport(knex, reportId);
    res.status(204).end();
  });

  return router;
}
