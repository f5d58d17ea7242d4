import { coalesce } from './coalesce';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('coalesce', () => {
  it('runs a lone caller at once, alone', async () => {
    const runs: number[][] = [];
    const double = coalesce<number, number>(async (items) => {
      runs.push(items);
      return items.map((n) => n * 2);
    });
    expect(await double(21)).toBe(42);
    expect(runs).toEqual([[21]]);
  });

  it('groups the callers that arrive while a run is in flight into the next run', async () => {
    const runs: number[][] = [];
    const gate = deferred();
    const double = coalesce<number, number>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await gate.promise;
      return items.map((n) => n * 2);
    });
    const first = double(1);
    const rest = [2, 3, 4, 5].map((n) => double(n));
    gate.resolve();
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8, 10]);
    expect(runs).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('keeps each run under the weight limit, and runs an item heavier than the limit alone', async () => {
    const runs: number[][] = [];
    const gate = deferred();
    const sum = coalesce<number, number>(
      async (items) => {
        runs.push(items);
        if (runs.length === 1) await gate.promise;
        return items;
      },
      { maxWeight: 10, weight: (n) => n }
    );
    const calls = [1, 4, 5, 3, 12, 2].map((n) => sum(n));
    gate.resolve();
    await Promise.all(calls);
    expect(runs).toEqual([[1], [4, 5], [3], [12], [2]]);
  });

  it('with concurrency 2, a second run starts while the first is in flight; later callers share the next', async () => {
    const runs: number[][] = [];
    const gates = [deferred(), deferred()];
    const echo = coalesce<number, number>(
      async (items) => {
        runs.push(items);
        if (runs.length <= 2) await gates[runs.length - 1].promise;
        return items;
      },
      { concurrency: 2 }
    );
    const calls = [echo(1), echo(2), echo(3), echo(4)];
    expect(runs).toEqual([[1], [2]]);
    gates[0].resolve();
    gates[1].resolve();
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4]);
    expect(runs).toEqual([[1], [2], [3, 4]]);
  });

  it('retries a failed group one by one, so only the bad item fails', async () => {
    const runs: string[][] = [];
    const gate = deferred();
    const upper = coalesce<string, string>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await gate.promise;
      if (items.includes('bad')) throw new Error('bad row');
      return items.map((s) => s.toUpperCase());
    });
    const first = upper('a');
    const b = upper('b');
    const bad = upper('bad');
    const c = upper('c');
    gate.resolve();
    await expect(first).resolves.toBe('A');
    await expect(b).resolves.toBe('B');
    await expect(bad).rejects.toThrow('bad row');
    await expect(c).resolves.toBe('C');
    expect(runs).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });
});
