import { fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TopBarFrame } from "@/components/layout/top-bar-frame";
import { renderWithProviders } from "../helpers/render";

let pathname = "/datasets";
vi.mock("next/navigation", () => ({ usePathname: () => pathname }));

const links = [
  { href: "/datasets", label: "Datasets" },
  { href: "/export/history", label: "Export history" },
];

function renderBar() {
  return renderWithProviders(
    <div>
      <TopBarFrame
        brand={<span>Outport</span>}
        links={links}
        navLabel="Main navigation"
        menuLabel="Menu"
        account={<button type="button">Sign out</button>}
        extra={<span data-testid="extra">2 running</span>}
      />
      <p>Page content</p>
    </div>,
  );
}

describe("TopBarFrame (the top bar's phone menu)", () => {
  beforeEach(() => {
    pathname = "/datasets";
  });

  it("keeps the links and the account controls folded until Menu is pressed, then focuses the first link", async () => {
    renderBar();
    const menu = screen.getByRole("button", { name: "Menu" });
    const panel = document.getElementById(menu.getAttribute("aria-controls") ?? "");
    expect(menu).toHaveAttribute("aria-expanded", "false");
    // Folded on a phone (display: none below md); laid out in the bar from md up.
    expect(panel?.className).toMatch(/(^| )hidden( |$)/);
    expect(panel?.className).toContain("md:contents");

    await userEvent.click(menu);
    expect(menu).toHaveAttribute("aria-expanded", "true");
    expect(panel?.className).not.toMatch(/(^| )hidden( |$)/);
    expect(screen.getByRole("link", { name: "Datasets" })).toHaveFocus();
    expect(screen.getByRole("link", { name: "Datasets" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Export history" })).not.toHaveAttribute("aria-current");
    // The slot for the running exports stays outside the folded part.
    expect(panel?.contains(screen.getByTestId("extra"))).toBe(false);
  });

  it("closes on Escape and gives the focus back to the Menu button", async () => {
    renderBar();
    const menu = screen.getByRole("button", { name: "Menu" });
    await userEvent.click(menu);
    await userEvent.keyboard("{Escape}");
    expect(menu).toHaveAttribute("aria-expanded", "false");
    expect(menu).toHaveFocus();
  });

  it("closes on a click outside the bar, but not on a click inside it", async () => {
    renderBar();
    const menu = screen.getByRole("button", { name: "Menu" });
    await userEvent.click(menu);
    fireEvent.pointerDown(screen.getByRole("button", { name: "Sign out" }));
    expect(menu).toHaveAttribute("aria-expanded", "true");
    fireEvent.pointerDown(screen.getByText("Page content"));
    expect(menu).toHaveAttribute("aria-expanded", "false");
  });

  it("closes when the page changes", async () => {
    const view = renderBar();
    const menu = screen.getByRole("button", { name: "Menu" });
    await userEvent.click(menu);
    pathname = "/export/history";
    view.rerender(
      <div>
        <TopBarFrame
          brand={<span>Outport</span>}
          links={links}
          navLabel="Main navigation"
          menuLabel="Menu"
          account={null}
        />
      </div>,
    );
    expect(screen.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
  });
});

describe("TopBarFrame (the bar's height, for what sits below it)", () => {
  let height = 64;
  const observers: Array<{ callback: () => void; observed: Element[]; disconnected: boolean }> = [];

  beforeEach(() => {
    height = 64;
    observers.length = 0;
    vi.stubGlobal(
      "ResizeObserver",
      class {
        entry: { callback: () => void; observed: Element[]; disconnected: boolean };
        constructor(callback: () => void) {
          this.entry = { callback, observed: [], disconnected: false };
          observers.push(this.entry);
        }
        observe(element: Element) {
          this.entry.observed.push(element);
        }
        unobserve() {}
        disconnect() {
          this.entry.disconnected = true;
        }
      },
    );
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(
      () => ({ height, width: 800, top: 0, left: 0, bottom: height, right: 800, x: 0, y: 0 }) as DOMRect,
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  const published = () => document.documentElement.style.getPropertyValue("--topbar-h");

  it("publishes its measured height as --topbar-h, follows it as it changes, and takes it away when gone", () => {
    const view = renderBar();
    expect(published()).toBe("64px");
    const [observer] = observers;
    expect(observer?.observed).toHaveLength(1);
    expect(observer?.observed[0]).toContainElement(screen.getByRole("button", { name: "Menu" }));

    // The bar wraps onto a second row (or the phone menu opens).
    height = 112.4;
    act(() => observer?.callback());
    expect(published()).toBe("113px");

    view.unmount();
    expect(observer?.disconnected).toBe(true);
    expect(published()).toBe("");
  });
});
