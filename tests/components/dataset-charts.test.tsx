import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DatasetCharts } from "@/components/datasets/dataset-charts";
import { renderWithProviders } from "../helpers/render";

const none = { labels: [], counts: [] };

describe("DatasetCharts", () => {
  it("says why a chart over a sensitive column is missing, and offers it to no report", () => {
    renderWithProviders(
      <DatasetCharts
        byCategory={{ ...none, otherCount: 0 }}
        byMonth={none}
        hidden={{ category: true, month: true }}
        categoryLabel="API key"
      />,
    );
    for (const id of ["chart-category", "chart-month"]) {
      const card = screen.getByTestId(id);
      expect(card.textContent).toContain("only administrators may see");
      expect(card.getAttribute("data-hidden")).toBe("sensitive");
      expect(card.hasAttribute("data-export-chart")).toBe(false);
    }
  });

  it("shows the usual empty state when there is simply nothing to chart", () => {
    renderWithProviders(<DatasetCharts byCategory={{ ...none, otherCount: 0 }} byMonth={none} categoryLabel="Tier" />);
    expect(screen.getByTestId("chart-category").textContent).toContain("No data to chart.");
    expect(screen.getByTestId("chart-category").hasAttribute("data-hidden")).toBe(false);
  });

  it("says which column is missing when the dataset names none for a chart, instead of a title cut short", () => {
    renderWithProviders(
      <DatasetCharts
        byCategory={{ ...none, otherCount: 0 }}
        byMonth={none}
        categoryLabel=""
        unset={{ category: true, month: true }}
      />,
    );
    const category = screen.getByTestId("chart-category");
    expect(category.querySelector("h2")?.textContent).toBe("Records per category");
    expect(category.textContent).toContain("No category column is set for this dataset.");
    expect(category.hasAttribute("data-export-chart")).toBe(false);
    expect(screen.getByTestId("chart-month").textContent).toContain("No date column is set for this dataset.");
  });

  it("gives each drawn chart a text alternative that reads out its bars, in the page's language", () => {
    renderWithProviders(
      <DatasetCharts
        byCategory={{ labels: ["Gold", "Silver"], counts: [1200, 30], otherCount: 5 }}
        byMonth={{ labels: ["2026-01", "2026-02"], counts: [4, 7] }}
        categoryLabel="Tier"
      />,
      { locale: "ko" },
    );
    expect(
      screen.getByRole("img", { name: "Tier별 레코드 수: Gold 1,200건, Silver 30건, 기타 5건." }),
    ).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "월별 레코드 수: 2026-01 4건, 2026-02 7건." })).toBeInTheDocument();
  });

  it("offers no image where there is nothing drawn (the note says it)", () => {
    renderWithProviders(<DatasetCharts byCategory={{ ...none, otherCount: 0 }} byMonth={none} categoryLabel="Tier" />);
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
  });
});
