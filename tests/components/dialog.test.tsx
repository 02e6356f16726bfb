import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "@/components/ui/dialog";
import { renderWithProviders } from "../helpers/render";

describe("Dialog", () => {
  it("always has a close × named for screen readers, which closes it", async () => {
    const onClose = vi.fn();
    renderWithProviders(
      <Dialog open onClose={onClose} title="Export options" footer={<button type="button">Apply</button>}>
        <p>Body</p>
      </Dialog>,
    );
    const close = screen.getByRole("button", { name: "Close" });
    expect(close.textContent).toBe("×");
    await userEvent.click(close);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("says the × in Korean, and takes a dialog's own word for it", () => {
    const { unmount } = renderWithProviders(
      <Dialog open onClose={() => undefined} title="내보내기 옵션">
        <p>본문</p>
      </Dialog>,
      { locale: "ko" },
    );
    expect(screen.getByRole("button", { name: "닫기" })).toBeInTheDocument();
    unmount();
    renderWithProviders(
      <Dialog open onClose={() => undefined} title="Delete" closeLabel="Keep the dataset">
        <p>Body</p>
      </Dialog>,
    );
    expect(screen.getByRole("button", { name: "Keep the dataset" })).toBeInTheDocument();
  });
});
