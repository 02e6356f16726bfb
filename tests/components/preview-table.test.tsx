import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PreviewTable, type PreviewResponse } from "@/components/datasets/preview-table";
import { renderWithProviders } from "../helpers/render";

const columns = [
  { key: "name", label: "Name", type: "string" as const, sensitive: false },
  { key: "amount", label: "Amount", type: "number" as const, sensitive: false },
  { key: "api_key", label: "API key", type: "string" as const, sensitive: true },
];

function pageOf(start: number, count: number, total: number): PreviewResponse {
  return {
    total,
    first_position: start,
    has_previous: start > 1,
    has_next: start + count - 1 < total,
    rows: Array.from({ length: count }, (_, i) => ({
      id: 100 + start + i,
      values: { name: `Row ${start + i}`, amount: -1234.5, api_key: "[REDACTED]" },
    })),
  };
}

function mockFetch(responder: (url: URL) => PreviewResponse | Response) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const result = responder(new URL(String(input), "http://localhost"));
    return result instanceof Response ? result : Response.json(result);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe("PreviewTable", () => {
  it("shows the first page with its range, numbers right-aligned and redacted values muted", async () => {
    mockFetch(() => pageOf(1, 25, 60));
    renderWithProviders(<PreviewTable dataset={{ id: 7, columns }} />);
    expect(await screen.findByText("Rows 1–25 of 60")).toBeInTheDocument();
    const table = screen.getByTestId("preview-table");
    expect(within(table).getAllByRole("row")).toHaveLength(26);
    expect(within(table).getAllByText("-1,234.50")[0]).toHaveClass("text-right");
    expect(within(table).getAllByText("[REDACTED]")[0]).toHaveClass("italic");
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Next" })).toBeEnabled();
  });

  it("pages with keyset cursors taken from the rows on screen", async () => {
    const fetchMock = mockFetch((url) => {
      const after = url.searchParams.get("after");
      const before = url.searchParams.get("before");
      if (after === "125") return pageOf(26, 25, 60);
      if (before === "126") return pageOf(1, 25, 60);
      return pageOf(1, 25, 60);
    });
    renderWithProviders(<PreviewTable dataset={{ id: 7, columns }} />);
    await screen.findByText("Rows 1–25 of 60");
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("Rows 26–50 of 60")).toBeInTheDocument();
    expect(String(fetchMock.mock.calls.at(-1)?.[0])).toBe("/api/datasets/7/records?limit=25&after=125");
    await userEvent.click(screen.getByRole("button", { name: "Previous" }));
    expect(await screen.findByText("Rows 1–25 of 60")).toBeInTheDocument();
    expect(String(fetchMock.mock.calls.at(-1)?.[0])).toBe("/api/datasets/7/records?limit=25&before=126");
  });

  it("says so when the preview cannot be loaded", async () => {
    mockFetch(() => new Response("{}", { status: 500 }));
    renderWithProviders(<PreviewTable dataset={{ id: 7, columns }} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("The preview could not be loaded.");
  });

  it("speaks Korean", async () => {
    mockFetch(() => pageOf(1, 25, 3500));
    renderWithProviders(<PreviewTable dataset={{ id: 7, columns }} />, { locale: "ko" });
    await waitFor(() => expect(screen.getByText("3,500행 중 1–25행")).toBeInTheDocument());
    expect(screen.getByRole("button", { name: "다음" })).toBeEnabled();
  });
});
