import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { LoginForm, SLOW_SIGN_IN_MS } from "@/components/auth/login-form";
import { renderWithProviders } from "../helpers/render";

const signIn = vi.fn();
const replace = vi.fn();
vi.mock("next-auth/react", () => ({ signIn: (...args: unknown[]) => signIn(...args) }));
vi.mock("next/navigation", () => ({ useRouter: () => ({ replace, refresh: vi.fn() }) }));

beforeEach(() => {
  signIn.mockReset();
  replace.mockReset();
});

async function submit(email: string, password: string) {
  await userEvent.type(screen.getByLabelText("E-mail"), email);
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("LoginForm", () => {
  it("signs in without a page reload and goes where the visitor was going", async () => {
    signIn.mockResolvedValue({ ok: true, error: null });
    renderWithProviders(<LoginForm callbackUrl="/datasets/3" />);
    await submit("manager@outport.local", "outport-manager");
    expect(signIn).toHaveBeenCalledWith("credentials", {
      email: "manager@outport.local",
      password: "outport-manager",
      redirect: false,
    });
    expect(replace).toHaveBeenCalledWith("/datasets/3");
  });

  it("says the credentials are wrong, without saying which", async () => {
    signIn.mockResolvedValue({ ok: false, error: "CredentialsSignin" });
    renderWithProviders(<LoginForm callbackUrl="/datasets" />);
    await submit("manager@outport.local", "nope");
    expect(await screen.findByRole("alert")).toHaveTextContent("Incorrect e-mail or password.");
    expect(replace).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("shows a generic message when the server cannot be reached", async () => {
    signIn.mockRejectedValue(new TypeError("Failed to fetch"));
    renderWithProviders(<LoginForm callbackUrl="/datasets" />, { locale: "ko" });
    await userEvent.type(screen.getByLabelText("이메일"), "a@b.c");
    await userEvent.type(screen.getByLabelText("비밀번호"), "x");
    await userEvent.click(screen.getByRole("button", { name: "로그인" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("로그인하지 못했습니다. 다시 시도해 주세요.");
  });

  it("tells the person to wait, and how long, when sign-in is throttled", async () => {
    signIn.mockResolvedValue({ ok: false, status: 429, error: "Throttled:754" });
    renderWithProviders(<LoginForm callbackUrl="/datasets" />);
    await submit("manager@outport.local", "outport-manager");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many sign-in attempts. Please wait 13 min and try again.",
    );
    expect(replace).not.toHaveBeenCalled();
  });

  it("names what is missing next to each field, without trying to sign in", async () => {
    renderWithProviders(<LoginForm callbackUrl="/datasets" />);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(signIn).not.toHaveBeenCalled();
    const email = screen.getByLabelText("E-mail");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter your e-mail address.");
    expect(email).toHaveFocus();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Enter your password.");
    // Not the wrong-credentials message: nothing was checked yet.
    expect(screen.queryByRole("alert")).toBeNull();

    await userEvent.type(email, "manager");
    await userEvent.type(screen.getByLabelText("Password"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(email).toHaveAccessibleDescription("This is not an e-mail address.");
    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
    expect(signIn).not.toHaveBeenCalled();
  });

  it("says why a slowed-down sign-in takes a while", async () => {
    let finish: (value: unknown) => void = () => {};
    signIn.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    renderWithProviders(<LoginForm callbackUrl="/datasets" />);
    await submit("manager@outport.local", "nope");
    expect(screen.queryByRole("status")).toBeNull();
    expect(await screen.findByRole("status", {}, { timeout: SLOW_SIGN_IN_MS + 2000 })).toHaveTextContent(
      "after failed attempts, sign-in waits a few seconds on purpose",
    );
    finish({ ok: false, error: "CredentialsSignin" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Incorrect e-mail or password.");
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("says the same in Korean, also when the sign-in page is opened with the error", () => {
    renderWithProviders(<LoginForm callbackUrl="/datasets" initialError="Throttled:30" />, { locale: "ko" });
    expect(screen.getByRole("alert")).toHaveTextContent("로그인 시도가 너무 많습니다. 1분 후에 다시 시도해 주세요.");
  });
});
