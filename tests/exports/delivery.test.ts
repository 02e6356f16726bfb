// Which exports stream in the response and which become background jobs.
import { afterEach, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { chooseDelivery } from "@/lib/exports/request-export";

const saved = { ...config.export };
afterEach(() => Object.assign(config.export, saved));

describe("chooseDelivery", () => {
  it("always queues a PDF, even an empty one", () => {
    expect(chooseDelivery("pdf", 0, false)).toBe("job");
    expect(chooseDelivery("pdf", 10, true)).toBe("job");
  });

  it("queues Excel past its limit whoever decides, and serves it directly up to it", () => {
    config.export.directRowsExcel = 5000;
    expect(chooseDelivery("excel", 5000, false)).toBe("direct");
    expect(chooseDelivery("excel", 5001, false)).toBe("job");
    expect(chooseDelivery("excel", 5001, true)).toBe("job");
  });

  it("streams the streaming formats at any size, unless the caller lets the server decide", () => {
    config.export.directRowsText = 10_000;
    for (const format of ["csv", "json", "ndjson", "parquet"] as const) {
      expect(chooseDelivery(format, 1_000_000, false)).toBe("direct");
      expect(chooseDelivery(format, 10_000, true)).toBe("direct");
      expect(chooseDelivery(format, 10_001, true)).toBe("job");
    }
  });
});
