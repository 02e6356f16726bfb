// Moments on pages read in the reader's language and the browser's zone: Korean with
// 오전/오후 (not the "AM" of a runtime without Korean locale data), and the server's HTML
// (UTC, as the server cannot know the zone) equal to the browser's first render.
import { screen } from "@testing-library/react";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { LocalTime } from "@/components/i18n/local-time";
import { messagesFor } from "@/lib/i18n";
import { renderWithProviders } from "../helpers/render";

function browserZone(timeZone: string) {
  const real = Intl.DateTimeFormat.prototype.resolvedOptions;
  vi.spyOn(Intl.DateTimeFormat.prototype, "resolvedOptions").mockImplementation(function (this: Intl.DateTimeFormat) {
    return { ...real.call(this), timeZone };
  });
}

afterEach(() => vi.restoreAllMocks());

const AT = "2026-11-30T22:32:00.000Z"; // 07:32 on 1 December in Seoul

describe("LocalTime", () => {
  it("shows a Korean reader the moment in their zone with 오전", () => {
    browserZone("Asia/Seoul");
    renderWithProviders(<LocalTime value={AT} />, { locale: "ko" });
    const time = screen.getByText("2026년 12월 1일 오전 7:32");
    expect(time.tagName).toBe("TIME");
    expect(time).toHaveAttribute("datetime", AT);
  });

  it("shows an English reader in New York the evening before", () => {
    browserZone("America/New_York");
    renderWithProviders(<LocalTime value={AT} />);
    expect(screen.getByText("Nov 30, 2026, 5:32 PM")).toBeInTheDocument();
  });

  it("renders UTC on the server, where the browser's zone is unknown", () => {
    browserZone("Asia/Seoul");
    const html = renderToString(
      <I18nProvider locale="ko" messages={messagesFor("ko")}>
        <LocalTime value={AT} />
      </I18nProvider>,
    );
    expect(html).toContain("2026년 11월 30일 오후 10:32");
  });
});
