import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { useEffect } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { MAX_TOASTS, ToastProvider, useToast } from "@/components/ui/toast";
import { messagesFor } from "@/lib/i18n";

type Show = ReturnType<typeof useToast>["show"];
const grabbed: { show: Show } = { show: () => {} };
const show: Show = (...args) => grabbed.show(...args);
function Grab() {
  const { show: current } = useToast();
  useEffect(() => {
    grabbed.show = current;
  }, [current]);
  return null;
}

function renderToasts() {
  render(
    <I18nProvider locale="en" messages={messagesFor("en")}>
      <ToastProvider>
        <Grab />
      </ToastProvider>
    </I18nProvider>,
  );
}
const toasts = () => screen.queryAllByTestId("toast");

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("toasts", () => {
  it("replaces a toast with the same key instead of stacking it", () => {
    renderToasts();
    act(() => {
      for (const seconds of [12, 10, 8, 6]) {
        show(`Too many requests. Try again in ${seconds} s.`, "error", { key: "rate-limit" });
      }
    });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0]).toHaveTextContent("Try again in 6 s.");
  });

  it("shows the same message once", () => {
    renderToasts();
    act(() => {
      show("Download started: a.csv", "success");
      show("Download started: a.csv", "success");
    });
    expect(toasts()).toHaveLength(1);
  });

  it(`keeps at most ${MAX_TOASTS} up, the newest`, () => {
    expect(MAX_TOASTS).toBe(3);
    renderToasts();
    act(() => {
      for (const n of [1, 2, 3, 4, 5]) show(`Message ${n}`);
    });
    expect(toasts().map((toast) => toast.textContent?.replace("×", ""))).toEqual([
      "Message 3",
      "Message 4",
      "Message 5",
    ]);
  });

  it("sits at the top, under the bar, not over the page's controls at the bottom", () => {
    renderToasts();
    const region = screen.getByTestId("toasts");
    expect(region.style.top).not.toBe("");
    expect(region.className).not.toMatch(/\bbottom-/);
    expect(region.className).toMatch(/max-w-\[calc\(100vw-2rem\)\]/);
  });

  it("starts below the top bar's measured height, not at a fixed distance from the top", () => {
    renderToasts();
    const region = screen.getByTestId("toasts");
    expect(region.style.top).toBe("calc(env(safe-area-inset-top) + var(--topbar-h, 4rem) + 0.5rem)");
    expect(region.className).not.toMatch(/\btop-\[/);
  });

  it("goes away by itself, and carries an action that dismisses it when used", () => {
    renderToasts();
    const onClick = vi.fn();
    act(() => show("Your export is ready", "success", { action: { label: "Download", href: "/f", onClick } }));
    const link = within(toasts()[0] as HTMLElement).getByRole("link", { name: "Download" });
    expect(link).toHaveAttribute("href", "/f");
    fireEvent.click(link);
    expect(onClick).toHaveBeenCalled();
    expect(toasts()).toHaveLength(0);

    act(() => show("Saved"));
    expect(toasts()).toHaveLength(1);
    act(() => vi.advanceTimersByTime(6000));
    expect(toasts()).toHaveLength(0);
  });
});
