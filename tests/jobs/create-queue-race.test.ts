// Workers started together on a new database create their queues at the same moment, and
// pg-boss's create_queue can deadlock with another process's (seen with 3 workers): the
// loser tries again rather than exiting. Other errors are not retried.
import { describe, expect, it } from "vitest";
import { createQueueRetrying } from "@/lib/jobs/queue";

const pgError = (code: string) => Object.assign(new Error(`postgres error ${code}`), { code });

function boss(failures: Error[]) {
  const calls: string[] = [];
  return {
    calls,
    createQueue: async (name: string) => {
      calls.push(name);
      const failure = failures.shift();
      if (failure) throw failure;
    },
  };
}

const OPTIONS = { policy: "standard", retryLimit: 0 } as const;

describe("creating a queue while other processes do", () => {
  it("tries again after a deadlock or a duplicate, and succeeds", async () => {
    const fake = boss([pgError("40P01"), pgError("23505"), pgError("42P07")]);
    await createQueueRetrying(fake, "export", OPTIONS);
    expect(fake.calls).toEqual(["export", "export", "export", "export"]);
  });

  it("gives up after five tries", async () => {
    const fake = boss(Array.from({ length: 6 }, () => pgError("40P01")));
    await expect(createQueueRetrying(fake, "export", OPTIONS)).rejects.toThrow("postgres error 40P01");
    expect(fake.calls).toHaveLength(5);
  });

  it("does not retry any other error", async () => {
    const fake = boss([pgError("42501")]);
    await expect(createQueueRetrying(fake, "export", OPTIONS)).rejects.toThrow("postgres error 42501");
    expect(fake.calls).toHaveLength(1);
  });
});
