/**
 * GitHub's documented GraphQL rate-limit formula: every connection costs one request per parent
 * node that may hold it (the parent connection's `first`/`last`, multiplied down the tree); the
 * query costs round(requests / 100) points, at least 1. Used to decide before sending a query
 * whether the budget allows it, and by the benchmark's fake server to bill like GitHub.
 */

interface FieldNode {
  name: string;
  size: number | null;
  children: FieldNode[];
}

/** Fields that only a connection has: seeing one below a field makes that field a connection. */
const CONNECTION_MARKERS = new Set(["totalCount", "nodes", "edges", "pageInfo", "issueCount"]);

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const pattern = /"""[\s\S]*?"""|"(?:\\.|[^"\\])*"|#[^\n]*|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|[{}()[\]:$!=,@]/g;
  for (const match of query.matchAll(pattern)) {
    const token = match[0];
    if (token.startsWith("#") || token === ",") continue;
    tokens.push(token);
  }
  return tokens;
}

class Parser {
  private position = 0;
  readonly fragments = new Map<string, number>();

  constructor(
    private readonly tokens: string[],
    private readonly variables: Record<string, unknown>,
  ) {}

  private peek = () => this.tokens[this.position];
  private next = () => this.tokens[this.position++];

  /** Skips a balanced ( … ), [ … ] or { … } starting at the current token. */
  private skipBalanced(): void {
    const open = this.next();
    const close = open === "(" ? ")" : open === "[" ? "]" : "}";
    let depth = 1;
    while (depth > 0 && this.position < this.tokens.length) {
      const token = this.next();
      if (token === open) depth += 1;
      else if (token === close) depth -= 1;
    }
  }

  /** Reads `(name: value, …)` and returns the page size from `first` or `last`. */
  private readArguments(): number | null {
    let size: number | null = null;
    this.next(); // (
    while (this.peek() !== ")" && this.position < this.tokens.length) {
      const name = this.next();
      this.next(); // :
      const value = this.peek();
      if (value === "{" || value === "[") {
        this.skipBalanced();
        continue;
      }
      this.next();
      let resolved: unknown = value;
      if (value === "$") resolved = this.variables[this.next() ?? ""];
      if ((name === "first" || name === "last") && resolved !== undefined) {
        const n = Number(resolved);
        if (Number.isFinite(n)) size = Math.max(size ?? 0, n);
      }
    }
    this.next(); // )
    return size;
  }

  /** Indexes fragment definitions so spreads can be expanded where they are used. */
  indexFragments(): void {
    for (let i = 0; i < this.tokens.length; i += 1) {
      if (this.tokens[i] === "fragment" && this.tokens[i + 2] === "on") {
        const start = this.tokens.indexOf("{", i);
        this.fragments.set(this.tokens[i + 1]!, start);
      }
    }
  }

  selectionSetAt(start: number): FieldNode[] {
    const saved = this.position;
    this.position = start;
    const fields = this.selectionSet();
    this.position = saved;
    return fields;
  }

  selectionSet(): FieldNode[] {
    const fields: FieldNode[] = [];
    this.next(); // {
    while (this.peek() !== "}" && this.position < this.tokens.length) {
      if (this.peek() === "...") {
        this.next();
        if (this.peek() === "on" || this.peek() === "{") {
          if (this.peek() === "on") this.position += 2;
          while (this.peek() === "@") this.skipDirective();
          fields.push(...this.selectionSet());
        } else {
          const start = this.fragments.get(this.next() ?? "");
          while (this.peek() === "@") this.skipDirective();
          if (start !== undefined) fields.push(...this.selectionSetAt(start));
        }
        continue;
      }
      let name = this.next() ?? "";
      if (this.peek() === ":") {
        this.next();
        name = this.next() ?? "";
      }
      const size = this.peek() === "(" ? this.readArguments() : null;
      while (this.peek() === "@") this.skipDirective();
      const children = this.peek() === "{" ? this.selectionSet() : [];
      fields.push({ name, size, children });
    }
    this.next(); // }
    return fields;
  }

  private skipDirective(): void {
    this.position += 2;
    if (this.peek() === "(") this.skipBalanced();
  }

  /** The operation's top-level selection set. */
  operation(): FieldNode[] {
    this.indexFragments();
    let depth = 0;
    for (let i = 0; i < this.tokens.length; i += 1) {
      const token = this.tokens[i];
      if (token === "fragment" && depth === 0) {
        // skip to the end of the fragment's body
        const start = this.tokens.indexOf("{", i);
        this.position = start;
        this.skipBalanced();
        i = this.position - 1;
        continue;
      }
      if (token === "(" ) depth += 1;
      if (token === ")") depth -= 1;
      if (token === "{" && depth === 0) return this.selectionSetAt(i);
    }
    return [];
  }
}

function countRequests(fields: FieldNode[], parents: number): number {
  let requests = 0;
  for (const field of fields) {
    const connection = field.children.some((child) => CONNECTION_MARKERS.has(child.name));
    if (connection) {
      requests += parents;
      requests += countRequests(field.children, parents * (field.size ?? 0));
    } else {
      requests += countRequests(field.children, parents);
    }
  }
  return requests;
}

export interface QueryCost {
  requests: number;
  points: number;
}

export function estimateQueryCost(query: string, variables: Record<string, unknown> = {}): QueryCost {
  const parser = new Parser(tokenize(query), variables);
  const requests = countRequests(parser.operation(), 1);
  return { requests, points: Math.max(1, Math.round(requests / 100)) };
}
