import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { actionError, errorResponse } from "@/lib/http/error-response";
import { ImportFileError } from "@/lib/imports/types";

describe("errorResponse", () => {
  it("maps each error code to its status with a translated detail", async () => {
    const cases = [
      [new AppError("unauthenticated"), 401, "Sign in to continue."],
      [new AppError("forbidden", "export.denied.role"), 403, "You don't have permission to export"],
      [new AppError("not_found", "error.datasetNotFound"), 404, "Dataset not found."],
    ] as const;
    for (const [error, status, detail] of cases) {
      const response = errorResponse(error, "en");
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ detail });
    }
    const korean = errorResponse(new AppError("forbidden", "export.denied.role"), "ko");
    expect(await korean.json()).toEqual({ detail: "내보내기 권한이 없습니다" });
  });

  it("answers a file that cannot be read with its status, a translated detail and the field to change", async () => {
    const large = errorResponse(new ImportFileError("upload.error.tooLarge", { limit: 5 }, { status: 413 }), "en");
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({
      detail: "The file is too large: at most 5 MB.",
      errors: [{ field: "file", message: "The file is too large: at most 5 MB." }],
    });
    const korean = errorResponse(new ImportFileError("upload.error.empty", {}, { field: "encoding" }), "ko");
    expect(korean.status).toBe(422);
    expect(await korean.json()).toEqual({
      detail: "파일이 비어 있습니다.",
      errors: [{ field: "encoding", message: "파일이 비어 있습니다." }],
    });
    // A key the catalogue does not have is never shown as it is.
    const unknown = errorResponse(new ImportFileError("import.error.noSuchKey"), "en");
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { detail: string }).detail).toBe("The file cannot be imported as it is.");
  });

  it("answers 429 with Retry-After", async () => {
    const response = errorResponse(new AppError("rate_limited", "error.rateLimited", { retryAfterSeconds: 42 }), "en");
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("42");
    expect(await response.json()).toEqual({ detail: "Too many requests. Try again in 42 s." });
  });

  it("gives a server action the same wait as Retry-After, so the export buttons can count it down", () => {
    const error = new AppError("rate_limited", "error.rateLimited", { retryAfterSeconds: 42 });
    expect(actionError(error, "en")).toEqual({
      error: "Too many requests. Try again in 42 s.",
      status: 429,
      retry_after: 42,
    });
    expect(actionError(new AppError("not_found"), "en")).not.toHaveProperty("retry_after");
  });

  it("turns a zod error into 422 naming each field", async () => {
    const schema = z.object({ limit: z.number().max(10), after: z.string() });
    const result = schema.safeParse({ limit: 50 });
    if (result.success) throw new Error("expected a validation failure");
    const response = errorResponse(result.error, "en");
    expect(response.status).toBe(422);
    const body = (await response.json()) as { detail: string; errors: Array<{ field: string; message: string }> };
    expect(body.detail).toBe("Some fields are invalid.");
    expect(body.errors.map((e) => e.field).sort()).toEqual(["after", "limit"]);
    expect(body.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it("hides the internals of an unexpected error behind a generic 500", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(new Error("ECONNREFUSED /var/lib/secret/path"), "en");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("/var/lib");
    expect(JSON.parse(text)).toEqual({ detail: "Something went wrong on our side. Please try again." });
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });
});
