// The account page's forms with their server actions mocked: the name saved (and the page
// redrawn), a refused name shown by the field, and the language chosen — kept through the
// same action as the top bar's switch, the page redrawn in it.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { setLocale } from "@/app/actions/set-locale";
import { updateAccount } from "@/app/actions/update-account";
import { LanguageForm, NameForm } from "@/components/users/account-settings";
import { ko } from "@/lib/i18n/ko";
import { renderWithProviders } from "../helpers/render";

const refresh = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh, replace: vi.fn(), push: vi.fn() }) }));
vi.mock("@/app/actions/update-account", () => ({ updateAccount: vi.fn() }));
vi.mock("@/app/actions/set-locale", () => ({ setLocale: vi.fn() }));

const ACCOUNT = { id: 7, email: "viewer@outport.local", name: "Vera Viewer", locale: "en" as const };

beforeEach(() => {
  refresh.mockReset();
  vi.mocked(updateAccount).mockReset();
  vi.mocked(setLocale).mockReset();
});

describe("NameForm", () => {
  it("saves the name and redraws the page (the top bar shows it)", async () => {
    vi.mocked(updateAccount).mockResolvedValue({ account: { ...ACCOUNT, name: "Vera V." } });
    renderWithProviders(<NameForm account={ACCOUNT} />);
    const input = screen.getByLabelText("Your name");
    expect(input).toHaveValue("Vera Viewer");
    fireEvent.change(input, { target: { value: "Vera V." } });
    fireEvent.click(screen.getByRole("button", { name: "Save name" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Saved.");
    expect(updateAccount).toHaveBeenCalledWith({ name: "Vera V." });
    expect(refresh).toHaveBeenCalled();
  });

  it("a refused name: the message by the field, nothing redrawn", async () => {
    vi.mocked(updateAccount).mockResolvedValue({
      status: 422,
      error: "Check the fields.",
      errors: [{ field: "name", message: "must not be empty" }],
    });
    renderWithProviders(<NameForm account={ACCOUNT} />);
    fireEvent.change(screen.getByLabelText("Your name"), { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "Save name" }));
    const input = screen.getByLabelText("Your name");
    await waitFor(() => expect(input).toHaveAttribute("aria-invalid", "true"));
    expect(input).toHaveAccessibleDescription("must not be empty");
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(refresh).not.toHaveBeenCalled();
  });

  it("another refusal (signed out) as a message", async () => {
    vi.mocked(updateAccount).mockResolvedValue({ status: 401, error: "Please sign in." });
    renderWithProviders(<NameForm account={ACCOUNT} />);
    fireEvent.click(screen.getByRole("button", { name: "Save name" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Please sign in.");
  });
});

describe("LanguageForm", () => {
  it("starts from the page's language and keeps a new choice through setLocale, then redraws", async () => {
    vi.mocked(setLocale).mockResolvedValue({});
    renderWithProviders(<LanguageForm current="en" />);
    expect(screen.getByLabelText("English")).toBeChecked();
    fireEvent.click(screen.getByLabelText("한국어"));
    await waitFor(() => expect(refresh).toHaveBeenCalled());
    expect(setLocale).toHaveBeenCalledWith("ko");
    expect(screen.getByLabelText("한국어")).toBeChecked();
  });

  it("a page drawn in Korean ticks Korean, whatever the account stored", () => {
    renderWithProviders(<LanguageForm current="ko" />, { locale: "ko" });
    expect(screen.getByLabelText("한국어")).toBeChecked();
    expect(screen.getByLabelText("English")).not.toBeChecked();
  });

  it("a refused choice says so", async () => {
    vi.mocked(setLocale).mockResolvedValue({ error: "Unknown language" });
    renderWithProviders(<LanguageForm current="ko" />, { locale: "ko" });
    fireEvent.click(screen.getByLabelText("English"));
    expect(await screen.findByRole("alert")).toHaveTextContent(ko["account.language.failed"]);
    expect(refresh).not.toHaveBeenCalled();
  });
});
