import { createJob } from './runner';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the loop runner', () => {
  it('runs rounds while there is work, then waits to be woken; counts work done', async () => {
    let backlog = 3;
    const job = createJob({ name: 'test', work: async () => (backlog > 0 ? (backlog--, 1) : 0) });
    job.start();
    await job.idle();
    expect(backlog).toBe(0);
    expect(job.stats()).toMatchObject({ done: 3, failed: 0, running: true });
    backlog = 2;
    job.wake();
    await job.idle();
    expect(job.stats().done).toBe(5);
    await job.stop();
    job.wake();
    expect(job.stats().running).toBe(false);
  });

  it('a wake-up during a round runs another round after it, not a second one alongside', async () => {
    let inFlight = 0;
    let most = 0;
    let rounds = 0;
    const job = createJob({
      name: 'test',
      work: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        rounds += 1;
        await sleep(20);
        inFlight -= 1;
        return 0;
      },
    });
    job.start();
    job.wake();
    job.wake();
    await job.idle();
    expect(most).toBe(1);
    expect(rounds).toBe(2);
    await job.stop();
  });

  it('backs off after a failing round, counts the failure, and recovers', async () => {
    let calls = 0;
    const errors: string[] = [];
    const job = createJob({
      name: 'flaky',
      backoffMs: 50,
      work: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database restarting');
        return 0;
      },
      log: { error: (message) => errors.push(message) },
    });
    job.start();
    await job.idle();
    expect(job.stats()).toMatchObject({ failed: 1, lastError: 'database restarting' });
    expect(calls).toBe(1);
    job.wake(); // ignored while backing off: the timer runs it
    expect(calls).toBe(1);
    await sleep(200);
    await job.idle();
    expect(calls).toBe(2);
    expect(errors[0]).toMatch(/\[whatsapp\] flaky: Error: database restarting/);
    await job.stop();
  });

  it('several loops of one job run side by side; stop lets the rounds in flight finish', async () => {
    let inFlight = 0;
    let most = 0;
    let left = 6;
    const job = createJob({
      name: 'parallel',
      loops: 2,
      work: async () => {
        if (left <= 0) return 0;
        left -= 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(30);
        inFlight -= 1;
        return 1;
      },
    });
    job.start();
    await sleep(40);
    await job.stop();
    expect(most).toBe(2);
    expect(inFlight).toBe(0);
  });
});
