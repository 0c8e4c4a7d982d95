import { describe, expect, it } from "vitest";
import { createGroupCommit } from "../../src/github/inbox/group-commit.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("group commit", () => {
  it("flushes a lone item at once, and items arriving during a flush together in the next one", async () => {
    const batches: number[][] = [];
    const submit = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      await tick();
      return items.map((n) => n * 10);
    });
    const first = submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => submit(n));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(await submit(5)).toBe(50);
  });

  it("with concurrency 2, a second flush starts while the first is in flight, and later items wait for either", async () => {
    const started: number[][] = [];
    const release: Array<() => void> = [];
    const submit = createGroupCommit(
      async (items: number[]) => {
        started.push(items);
        await new Promise<void>((resolve) => release.push(resolve));
        return items;
      },
      { concurrency: 2 },
    );
    const all = [submit(1), submit(2), submit(3), submit(4)];
    // 1 and 2 each flushed at once (two flushes free); 3 and 4 wait together for the next slot.
    expect(started).toEqual([[1], [2]]);
    release.shift()!();
    await tick();
    expect(started).toEqual([[1], [2], [3, 4]]);
    while (release.length > 0) release.shift()!();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4]);
  });

  it("with hedgeAfterMs, items behind a stalled flush go in another one beside it; an answered flush is not hedged", async () => {
    const started: number[][] = [];
    const release: Array<() => void> = [];
    const submit = createGroupCommit(
      async (items: number[]) => {
        started.push(items);
        // The first flush stalls until released; the others answer at once.
        if (items.includes(1)) await new Promise<void>((resolve) => release.push(resolve));
        return items;
      },
      { hedgeAfterMs: 40, maxConcurrency: 2 },
    );
    const first = submit(1);
    const behind = [submit(2), submit(3)];
    await tick();
    expect(started).toEqual([[1]]);
    // Once the first has been in flight for 40 ms, the waiting items get a flush of their own.
    expect(await Promise.all(behind)).toEqual([2, 3]);
    expect(started).toEqual([[1], [2, 3]]);
    // Two in flight is the cap: with the first still stalled, later items go in the second slot as it frees.
    expect(await submit(4)).toBe(4);
    release.shift()!();
    expect(await first).toBe(1);
    expect(started).toEqual([[1], [2, 3], [4]]);
  });

  it("without hedgeAfterMs, items wait for a stalled flush however long it takes", async () => {
    const started: number[][] = [];
    let release!: () => void;
    const submit = createGroupCommit(async (items: number[]) => {
      started.push(items);
      if (items.includes(1)) await new Promise<void>((resolve) => (release = resolve));
      return items;
    });
    const all = [submit(1), submit(2)];
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(started).toEqual([[1]]);
    release();
    expect(await Promise.all(all)).toEqual([1, 2]);
    expect(started).toEqual([[1], [2]]);
  });

  it("caps a batch at maxBatch", async () => {
    const sizes: number[] = [];
    const submit = createGroupCommit(async (items: number[]) => {
      sizes.push(items.length);
      await tick();
      return items;
    }, { maxBatch: 3 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => submit(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });

  it("retries a failed batch item by item, so only the bad item fails, and keeps serving later ones", async () => {
    const batches: string[][] = [];
    const submit = createGroupCommit(async (items: string[]) => {
      batches.push(items);
      await tick();
      if (items.includes("bad")) throw new Error("refused");
      return items.map((s) => s.toUpperCase());
    });
    const first = submit("a");
    const results = await Promise.allSettled([first, submit("b"), submit("bad"), submit("c")]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["A", "B", "refused", "C"]);
    expect(batches).toEqual([["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]]);
    expect(await submit("d")).toBe("D");
  });

  it("rejects when flush answers the wrong number of results", async () => {
    const submit = createGroupCommit(async () => [] as string[]);
    await expect(submit("x")).rejects.toThrow(/0 results for 1 items/);
  });
});
