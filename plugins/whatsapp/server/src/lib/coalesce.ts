/**
 * Group commit for concurrent callers: `work` runs over every item that arrived while the
 * previous run was in flight, as one call. Under load, thirty webhook requests share one INSERT
 * and one commit instead of queueing for thirty; a caller alone runs at once and waits for nobody.
 *
 * A run that fails with more than one item is retried item by item, so one bad item fails only
 * its own caller.
 */
export interface CoalesceOptions<I> {
  /** Most weight per run (rows, say); one item heavier than this still runs, alone. */
  maxWeight?: number;
  weight?: (item: I) => number;
  /** Runs in flight at once (each on its own connection); the rest of the callers queue up. */
  concurrency?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export const coalesce = <I, O>(work: (items: I[]) => Promise<O[]>, { maxWeight = 500, weight = () => 1, concurrency = 1 }: CoalesceOptions<I> = {}) => {
  let queue: Pending<I, O>[] = [];
  let running = 0;

  const take = () => {
    let total = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || total + weight(queue[n].item) <= maxWeight)) {
      total += weight(queue[n].item);
      n += 1;
    }
    const batch = queue.slice(0, n);
    queue = queue.slice(n);
    return batch;
  };

  const settle = async (batch: Pending<I, O>[]) => {
    try {
      const results = await work(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const pending of batch) await settle([pending]);
    }
  };

  const pump = async () => {
    if (running >= concurrency) return;
    running += 1;
    try {
      while (queue.length) await settle(take());
    } finally {
      running -= 1;
    }
  };

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      void pump();
    });
};
