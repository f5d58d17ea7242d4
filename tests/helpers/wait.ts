/**
 * Polls until `check` returns a truthy value (or throws after `timeoutMs`). The default timeout is
 * generous on purpose: it only decides how long a broken behaviour takes to fail, and a busy
 * machine must not fail a test whose condition does come true.
 */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
