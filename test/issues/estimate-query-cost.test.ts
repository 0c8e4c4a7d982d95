import { describe, expect, it } from "vitest";
import { estimateQueryCost } from "../../src/github/graphql/estimate-query-cost.js";
import { buildIssuePageQuery, buildProbeQuery } from "../../src/github/graphql/index-queries.js";

describe("GitHub's GraphQL rate-limit formula", () => {
  it("matches the worked example in GitHub's documentation (1,051 requests)", () => {
    const query = `query {
      viewer {
        login
        repositories(first: 100) {
          edges { node { id issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } }
        }
      }
    }`;
    // 1 (repositories) + 100 (issues per repository) + 100·50 (labels per issue) = 5,101 → 51 points.
    expect(estimateQueryCost(query)).toEqual({ requests: 5101, points: 51 });
  });

  it("bills a page of changed issues by the page size asked for, with its three nested connections", () => {
    const { query, variables } = buildIssuePageQuery([{ nodeId: "R_1", since: null, states: null, first: 40, after: null }]);
    expect(estimateQueryCost(query, variables)).toEqual({ requests: 1 + 40 * 3, points: 1 });
    const two = buildIssuePageQuery([
      { nodeId: "R_1", since: null, states: null, first: 100, after: null },
      { nodeId: "R_2", since: null, states: null, first: 100, after: null },
    ]);
    expect(estimateQueryCost(two.query, two.variables)).toEqual({ requests: 602, points: 6 });
  });

  it("costs a probe of many repositories about a point", () => {
    const targets = Array.from({ length: 30 }, (_, i) => ({ nodeId: `R_${i}`, owner: "o", name: `r${i}`, since: null, states: null, activity: null }));
    const { query, variables } = buildProbeQuery(targets);
    // topics and the changed-issues count: two connections without nodes per repository.
    expect(estimateQueryCost(query, variables)).toEqual({ requests: 60, points: 1 });
  });
});
