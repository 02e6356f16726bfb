import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManageDataset, updateBody, type ManagedDataset } from "@/components/datasets/manage-dataset";
import { NewDatasetButton } from "@/components/datasets/new-dataset-button";
import { ToastProvider } from "@/components/ui/toast";
import { renderWithProviders } from "../helpers/render";

const push = vi.fn();
const refresh = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, refresh }) }));

const DATASET: ManagedDataset = {
  id: 12,
  title: "Q1 Sales",
  description: "Sales of the first quarter",
  owner_id: 2,
  record_count: 1500,
  date_column: "day",
  category_column: null,
  columns: [
    { key: "day", label: "Day", type: "date", sensitive: false },
    { key: "region", label: "Region", type: "string", sensitive: false },
    { key: "email", label: "E-mail", type: "string", sensitive: true },
  ],
};

function renderManage({ exportCount = 3, owners = [] as Array<{ id: number; name: string; email: string }> } = {}) {
  return renderWithProviders(
    <ToastProvider>
      <ManageDataset dataset={DATASET} owners={owners} exportCount={exportCount} maxFileBytes={1000} />
    </ToastProvider>,
  );
}

const fetchMock = vi.fn(async () => ({ ok: true, status: 200, json: async () => ({}) }) as Response);

beforeEach(() => {
  push.mockReset();
  refresh.mockReset();
  fetchMock.mockClear();
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

describe("deleting a dataset", () => {
  it("reads the page again when the confirmation opens, so an export made since is counted", () => {
    renderManage();
    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    expect(refresh).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete dataset" }));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("delete-confirmation")).toBeInTheDocument();
  });

  it("says how many exports go with it, deletes on confirmation and returns to the list", async () => {
    renderManage();
    fireEvent.click(screen.getByRole("button", { name: "Delete dataset" }));
    const confirmation = screen.getByTestId("delete-confirmation");
    expect(confirmation).toHaveTextContent("“Q1 Sales” and its 1,500 rows will be deleted.");
    expect(confirmation).toHaveTextContent(
      "3 exports of this dataset will be deleted; their history rows stay, marked “dataset deleted”.",
    );
    expect(fetchMock).not.toHaveBeenCalled();
    const dialog = confirmation.closest("dialog") as HTMLElement;
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete dataset" }));
    await waitFor(() => expect(push).toHaveBeenCalledWith("/datasets"));
    expect(fetchMock).toHaveBeenCalledWith("/api/datasets/12", expect.objectContaining({ method: "DELETE" }));
    expect(screen.getByRole("status")).toHaveTextContent("The dataset “Q1 Sales” was deleted.");
  });

  it("words one export and none", () => {
    renderManage({ exportCount: 1 });
    fireEvent.click(screen.getByRole("button", { name: "Delete dataset" }));
    expect(screen.getByTestId("delete-confirmation")).toHaveTextContent("1 export of this dataset will be deleted");
  });

  it("shows a refusal in the dialog and stays", async () => {
    fetchMock.mockResolvedValueOnce({
      ok: false,
      status: 403,
      json: async () => ({ detail: "You may not change this dataset." }),
    } as Response);
    renderManage({ exportCount: 0 });
    fireEvent.click(screen.getByRole("button", { name: "Delete dataset" }));
    expect(screen.getByTestId("delete-confirmation")).toHaveTextContent("There are no exports of this dataset.");
    const dialog = screen.getByTestId("delete-confirmation").closest("dialog") as HTMLElement;
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete dataset" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("You may not change this dataset.");
    expect(push).not.toHaveBeenCalled();
  });

  it("closes with its ×", () => {
    renderManage();
    fireEvent.click(screen.getByRole("button", { name: "Delete dataset" }));
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByTestId("delete-confirmation")).toBeNull();
  });
});

describe("editing a dataset", () => {
  it("sends only what changed", async () => {
    renderManage({
      owners: [
        { id: 2, name: "Mina", email: "mina@example.com" },
        { id: 5, name: "Jun", email: "jun@example.com" },
      ],
    });
    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    fireEvent.change(screen.getByLabelText("Label of column region"), { target: { value: "Sales region" } });
    fireEvent.change(screen.getByLabelText("Category column"), { target: { value: "region" } });
    fireEvent.change(screen.getByLabelText("Owner"), { target: { value: "5" } });
    // The date column select offers date columns only.
    expect(
      within(screen.getByLabelText("Date column"))
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["None", "Day"]);
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(refresh).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/datasets/12");
    expect(init.method).toBe("PATCH");
    expect(JSON.parse(String(init.body))).toEqual({
      columns: [{ key: "region", label: "Sales region" }],
      category_column: "region",
      owner_id: 5,
    });
  });

  it("has nothing to send when nothing changed, and no owner select for a non-admin", () => {
    expect(
      updateBody(DATASET, {
        title: "Q1 Sales ",
        description: "Sales of the first quarter",
        labels: {},
        sensitive: { email: true },
        dateColumn: "day",
        categoryColumn: null,
        ownerId: 2,
      }),
    ).toBeNull();
    renderManage();
    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    expect(screen.queryByLabelText("Owner")).toBeNull();
  });
});

describe("the New dataset button", () => {
  it("is a link for those who may create datasets", () => {
    renderWithProviders(
      <ToastProvider>
        <NewDatasetButton allowed />
      </ToastProvider>,
    );
    expect(screen.getByRole("link", { name: "New dataset" })).toHaveAttribute("href", "/datasets/new");
  });

  it("is disabled for a viewer with the reason as its title, and a click says it in a toast", () => {
    renderWithProviders(
      <ToastProvider>
        <NewDatasetButton allowed={false} />
      </ToastProvider>,
    );
    expect(screen.queryByRole("link")).toBeNull();
    const button = screen.getByRole("button", { name: "New dataset" });
    expect(button).toHaveAttribute("aria-disabled", "true");
    expect(button).toHaveAttribute("title", "You don't have permission to create datasets");
    fireEvent.click(button);
    expect(screen.getByRole("alert")).toHaveTextContent("You don't have permission to create datasets");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
