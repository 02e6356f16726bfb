// The users admin page with the server mocked at fetch: the list, creating a user with a
// one-time password (shown once, gone when dismissed and never in the list) or with one
// set, a field's refusal shown by the field, the last-admin refusal shown as a message
// with the role kept, deactivating after a confirmation, and a reset's one-time password.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UsersAdmin } from "@/components/users/users-admin";
import { en } from "@/lib/i18n/en";
import { ko } from "@/lib/i18n/ko";
import type { TUser } from "@/lib/users/user-schemas";
import { renderWithProviders } from "../helpers/render";

const ONE_TIME = "Zq8-generated-once-Xy42";

function user(overrides: Partial<TUser> = {}): TUser {
  return {
    id: 1,
    email: "admin@outport.local",
    name: "Ada Admin",
    role: "admin",
    active: true,
    must_change_password: false,
    created_at: "2026-11-01T10:00:00.000Z",
    last_sign_in_at: "2026-12-01T09:30:00.000Z",
    datasets: 2,
    exports: 1234,
    ...overrides,
  };
}

type Call = { url: string; method: string; body: Record<string, unknown> | undefined };
let calls: Call[];
let listed: TUser[];

beforeEach(() => {
  calls = [];
  listed = [user(), user({ id: 2, email: "manager@outport.local", name: "Max Manager", role: "manager", datasets: 3 })];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : undefined;
      calls.push({ url, method, body });
      if (url === "/api/users" && method === "GET") return Response.json(listed);
      if (url === "/api/users" && method === "POST") {
        if (body?.email === "manager@outport.local") {
          return Response.json(
            {
              detail: "A user with this e-mail address already exists.",
              errors: [{ field: "email", message: "is already used by another user" }],
            },
            { status: 409 },
          );
        }
        if (typeof body?.password === "string" && body.password.length < 12) {
          return Response.json(
            {
              detail: "Check the fields.",
              errors: [{ field: "password", message: "must have at least 12 characters" }],
            },
            { status: 422 },
          );
        }
        const created = user({
          id: 3,
          email: String(body?.email),
          name: String(body?.name),
          role: body?.role as TUser["role"],
          must_change_password: body?.password === undefined,
          last_sign_in_at: null,
          datasets: 0,
          exports: 0,
        });
        listed = [...listed, created];
        return Response.json(
          { user: created, password: body?.password === undefined ? ONE_TIME : null },
          { status: 201 },
        );
      }
      const patch = /^\/api\/users\/(\d+)$/.exec(url);
      if (patch && method === "PATCH") {
        const id = Number(patch[1]);
        if (id === 1 && (body?.role !== undefined || body?.active === false)) {
          return Response.json({ detail: en["error.user.lastAdmin"] }, { status: 409 });
        }
        listed = listed.map((u) => (u.id === id ? { ...u, ...body } : u));
        return Response.json(listed.find((u) => u.id === id));
      }
      const reset = /^\/api\/users\/(\d+)\/password$/.exec(url);
      if (reset && method === "POST") {
        const target = listed.find((u) => u.id === Number(reset[1]))!;
        return Response.json({ user: { ...target, must_change_password: true }, password: "Reset-once-77" });
      }
      return new Response(null, { status: 404 });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

const render = () => renderWithProviders(<UsersAdmin initial={listed} currentUserId={1} minPasswordLength={12} />);

function rowOf(email: string): HTMLElement {
  const row = screen.getAllByTestId("user-row").find((element) => element.dataset.email === email);
  if (!row) throw new Error(`no row for ${email}`);
  return row;
}

function fillNewUser(email: string, name: string, role: TUser["role"]) {
  fireEvent.change(screen.getByLabelText("E-mail"), { target: { value: email } });
  fireEvent.change(screen.getByLabelText("Name"), { target: { value: name } });
  fireEvent.change(screen.getByLabelText("Role"), { target: { value: role } });
}

describe("UsersAdmin", () => {
  it("lists each user with role, state, last sign-in, datasets and exports", () => {
    render();
    const admin = rowOf("admin@outport.local");
    expect(within(admin).getByText("Ada Admin")).toBeInTheDocument();
    expect(within(admin).getByText("(you)")).toBeInTheDocument();
    expect(within(admin).getByLabelText("Role of admin@outport.local")).toHaveValue("admin");
    expect(within(admin).getByText("Active")).toBeInTheDocument();
    expect(within(admin).getByText("1,234")).toBeInTheDocument();
    expect(within(admin).getByText(/2026/)).toBeInTheDocument();
    expect(within(rowOf("manager@outport.local")).getByLabelText("Role of manager@outport.local")).toHaveValue(
      "manager",
    );
  });

  it("creates a user with a one-time password, shown once with the warning, then gone", async () => {
    render();
    fillNewUser("new.person@example.com", "New Person", "manager");
    fireEvent.click(screen.getByRole("button", { name: "Add user" }));

    const box = await screen.findByTestId("one-time-password");
    expect(within(box).getByTestId("one-time-password-value")).toHaveTextContent(ONE_TIME);
    expect(within(box).getByRole("alert")).toHaveTextContent(/Shown only now/);
    expect(calls.find((call) => call.method === "POST")?.body).toEqual({
      email: "new.person@example.com",
      name: "New Person",
      role: "manager",
    });
    // The list is read again and shows the new user, without the password.
    await waitFor(() => expect(rowOf("new.person@example.com")).toBeInTheDocument());
    expect(within(rowOf("new.person@example.com")).getByText("Must change password")).toBeInTheDocument();
    expect(screen.getByRole("table")).not.toHaveTextContent(ONE_TIME);

    fireEvent.click(within(box).getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByTestId("one-time-password")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(ONE_TIME);
  });

  it("creates a user with a password set: sent, and no password shown", async () => {
    render();
    fillNewUser("set@example.com", "Set Person", "viewer");
    fireEvent.click(screen.getByLabelText(/Set a password/));
    fireEvent.change(screen.getByLabelText("The password"), { target: { value: "correct horse battery" } });
    fireEvent.click(screen.getByRole("button", { name: "Add user" }));
    expect(await screen.findByRole("status")).toHaveTextContent("set@example.com was added.");
    expect(calls.find((call) => call.method === "POST")?.body).toMatchObject({ password: "correct horse battery" });
    expect(screen.queryByTestId("one-time-password")).not.toBeInTheDocument();
  });

  it("shows a field's refusal next to the field (a taken e-mail, a short password)", async () => {
    render();
    fillNewUser("manager@outport.local", "Again", "viewer");
    fireEvent.click(screen.getByRole("button", { name: "Add user" }));
    const email = screen.getByLabelText("E-mail");
    await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
    expect(email).toHaveAccessibleDescription("is already used by another user");
    expect(screen.queryByTestId("one-time-password")).not.toBeInTheDocument();

    fillNewUser("other@example.com", "Other", "viewer");
    fireEvent.click(screen.getByLabelText(/Set a password/));
    fireEvent.change(screen.getByLabelText("The password"), { target: { value: "short" } });
    fireEvent.click(screen.getByRole("button", { name: "Add user" }));
    await waitFor(() =>
      expect(screen.getByLabelText("The password")).toHaveAccessibleDescription("must have at least 12 characters"),
    );
    expect(screen.getByLabelText("E-mail")).not.toHaveAttribute("aria-invalid");
  });

  it("the last admin's demotion: the 409 as a clear message, the role kept", async () => {
    render();
    const select = within(rowOf("admin@outport.local")).getByLabelText("Role of admin@outport.local");
    fireEvent.change(select, { target: { value: "viewer" } });
    expect(await screen.findByTestId("users-change-error")).toHaveTextContent(en["error.user.lastAdmin"]);
    expect(calls.find((call) => call.method === "PATCH")).toMatchObject({
      url: "/api/users/1",
      body: { role: "viewer" },
    });
    await waitFor(() => expect(select).toHaveValue("admin"));
  });

  it("changes a role and deactivates after a confirmation; reactivates", async () => {
    render();
    fireEvent.change(within(rowOf("manager@outport.local")).getByLabelText("Role of manager@outport.local"), {
      target: { value: "viewer" },
    });
    expect(await screen.findByRole("status")).toHaveTextContent("manager@outport.local is now Viewer.");

    fireEvent.click(screen.getByRole("button", { name: "Deactivate manager@outport.local" }));
    expect(calls.filter((call) => call.method === "PATCH")).toHaveLength(1);
    const dialog = screen.getByRole("dialog", { name: "Deactivate manager@outport.local?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(within(rowOf("manager@outport.local")).getByText("Deactivated")).toBeInTheDocument());
    expect(calls.at(-2)).toMatchObject({ url: "/api/users/2", method: "PATCH", body: { active: false } });

    fireEvent.click(screen.getByRole("button", { name: "Reactivate manager@outport.local" }));
    await waitFor(() => expect(within(rowOf("manager@outport.local")).getByText("Active")).toBeInTheDocument());
  });

  it("resets a password to a one-time one, shown once", async () => {
    render();
    fireEvent.click(screen.getByRole("button", { name: "Reset password of manager@outport.local" }));
    const dialog = screen.getByRole("dialog", { name: "Reset the password of manager@outport.local" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Reset password" }));
    expect(await screen.findByTestId("one-time-password-value")).toHaveTextContent("Reset-once-77");
    expect(calls.find((call) => call.url === "/api/users/2/password")?.body).toEqual({});
  });

  it("speaks Korean", () => {
    renderWithProviders(<UsersAdmin initial={listed} currentUserId={1} minPasswordLength={12} />, { locale: "ko" });
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent(ko["users.title"]);
    expect(screen.getByRole("button", { name: ko["users.create.submit"] })).toBeInTheDocument();
  });
});
