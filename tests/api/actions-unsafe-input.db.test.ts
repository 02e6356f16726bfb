// The export buttons' server actions refuse text no field may carry (a NUL, a lone
// surrogate) like the API does: a 422 naming the field, in the reader's language, before
// anything runs — no job is queued. The signed-in user and the request's locale are set by
// the test; everything behind them is real.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { cancelExport, retryExport, startExport } from "@/app/actions/export";
import type * as Session from "@/lib/auth/session";
import { loadActiveUser } from "@/lib/auth/current-user";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import type { Locale } from "@/lib/i18n";
import { en } from "@/lib/i18n/en";
import { ko } from "@/lib/i18n/ko";
import { demoUser } from "../helpers/auth";

const request: { locale: Locale } = { locale: "en" };

vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof Session>()),
  getPageUser: async () => loadActiveUser((await demoUser("manager")).id),
}));
vi.mock("@/lib/i18n/server", () => ({ getLocale: async () => request.locale }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

const SOME_JOB = "00000000-0000-4000-8000-000000000000";

beforeEach(async () => {
  request.locale = "en";
  await resetExportRequests((await demoUser("manager")).id);
});

describe("the export server actions", async () => {
  const datasetId = (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;

  it.each([
    [{ dataset_id: datasetId, format: "csv", options: { timezone: "UTC\u0000" } }, "options.timezone"],
    [{ dataset_id: datasetId, format: "csv", options: { rename: { region: "\ud800" } } }, "options.rename.region"],
    [
      { dataset_id: datasetId, format: "csv", options: { filters: [{ column: "region", op: "eq", value: "\u0000" }] } },
      "options.filters.0.value",
    ],
    [{ dataset_id: datasetId, format: "csv\u0000" }, "format"],
    ["\u0000", "(body)"],
  ] as const)("startExport(%j) → 422 naming %s", async (input, field) => {
    const jobsBefore = await prisma().exportJob.count();
    const result = await startExport(input);
    expect(result).toEqual({
      status: 422,
      error: en["error.unsafeText"],
      errors: [{ field, message: expect.stringMatching(/NUL|Unicode/) }],
    });
    expect(await prisma().exportJob.count()).toBe(jobsBefore);
  });

  it.each([
    ["cancelExport", cancelExport],
    ["retryExport", retryExport],
  ] as const)("%s with a NUL in the job id → 422 naming jobId, in Korean for a Korean reader", async (_name, act) => {
    request.locale = "ko";
    expect(await act(`${SOME_JOB}\u0000`)).toEqual({
      status: 422,
      error: ko["error.unsafeText"],
      errors: [{ field: "jobId", message: "must not contain NUL characters" }],
    });
  });

  it("still starts an export whose text is merely unusual", async () => {
    const result = await startExport({
      dataset_id: datasetId,
      format: "csv",
      options: { rename: { region: "지역 😀" } },
    });
    expect(result).toEqual({ mode: "direct" });
  });
});
