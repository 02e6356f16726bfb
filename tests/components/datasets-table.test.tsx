import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DatasetsTable } from "@/components/datasets/datasets-table";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { renderWithProviders } from "../helpers/render";

function dataset(
  id: number,
  title: string,
  canExport: boolean,
  reason: DatasetJson["export_denied_reason"] = null,
): DatasetJson {
  return {
    id,
    title,
    description: `${title} description`,
    owner_id: 2,
    owner_email: "manager@outport.local",
    owner_name: "Mina Manager",
    record_count: 75000,
    date_column: null,
    category_column: null,
    columns: [{ key: "a", label: "A", type: "string", sensitive: false }],
    can_export: canExport,
    export_denied_reason: reason,
    created_at: "2026-11-22T00:00:00.000Z",
  };
}

describe("DatasetsTable", () => {
  it("lists title, owner, rows and columns, linking to each dataset", () => {
    renderWithProviders(<DatasetsTable datasets={[dataset(4, "All Students 2024-2025", true)]} />);
    const row = screen.getByTestId("dataset-row");
    expect(within(row).getByRole("link", { name: "All Students 2024-2025" })).toHaveAttribute("href", "/datasets/4");
    expect(within(row).getByText("Mina Manager")).toBeInTheDocument();
    expect(within(row).getByTestId("dataset-rows")).toHaveTextContent("75,000");
    expect(within(row).getByText("You can export")).toBeInTheDocument();
  });

  it("marks view-only datasets with the reason as a tooltip", () => {
    renderWithProviders(<DatasetsTable datasets={[dataset(1, "Q1 Sales", false, "role")]} />, { locale: "ko" });
    expect(screen.getByText("보기 전용")).toHaveAttribute("title", "내보내기 권한이 없습니다");
  });

  it("says when there is nothing to show", () => {
    renderWithProviders(<DatasetsTable datasets={[]} />);
    expect(screen.getByText("No datasets yet.")).toBeInTheDocument();
  });

  it("scrolls inside its card, which the keyboard can reach, and keeps 'can I export' beside the title on a phone", () => {
    renderWithProviders(<DatasetsTable datasets={[dataset(4, "All Students 2024-2025", true)]} />);
    const card = screen.getByRole("region", { name: "Datasets" });
    expect(card).toHaveAttribute("tabindex", "0");
    expect(card.className).toContain("overflow-x-auto");
    // The owner and column count fold under the title below md; their own columns hide.
    const row = screen.getByTestId("dataset-row");
    expect(within(row).getByText("Mina Manager · Columns 1").className).toContain("md:hidden");
    const headers = screen.getAllByRole("columnheader");
    expect(
      headers
        .filter((th) => /(^| )hidden( |$)/.test(th.className) && th.className.includes("md:table-cell"))
        .map((th) => th.textContent),
    ).toEqual(["Owner", "Columns"]);
  });
});
