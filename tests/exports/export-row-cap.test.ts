// The row cap the dataset page warns with is the one the server refuses at.
import { afterEach, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { exportRowCap } from "@/lib/exports/prepare-export";

const saved = { ...config.export };
afterEach(() => Object.assign(config.export, saved));

describe("exportRowCap", () => {
  it("caps a PDF report at its own cap when that is the lower", () => {
    config.export.pdfRowCap = 20_000;
    config.export.rowCap = 1_000_000;
    expect(exportRowCap("pdf")).toBe(20_000);
    expect(exportRowCap("csv")).toBe(1_000_000);
  });

  it("caps a PDF report at the row cap of every export when that is the lower", () => {
    config.export.pdfRowCap = 20_000;
    config.export.rowCap = 5_000;
    expect(exportRowCap("pdf")).toBe(5_000);
    expect(exportRowCap("excel")).toBe(5_000);
  });
});
