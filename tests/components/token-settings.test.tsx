// The access tokens page with the server mocked at fetch: the list, creating a token (its
// secret shown once, copied with the Copy button), a viewer's read-only choice, the
// admin's owner column, and revoking after a confirmation.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenSettings } from "@/components/tokens/token-settings";
import type { TokenListItem } from "@/components/tokens/tokens-api";
import { renderWithProviders } from "../helpers/render";

const SECRET = `outport_pat_${"a".repeat(43)}`;

function token(overrides: Partial<TokenListItem> = {}): TokenListItem {
  return {
    id: "11111111-1111-4111-8111-111111111111",
    name: "nightly",
    scope: "read",
    hint: "AbC123",
    user_id: 2,
    user_email: "manager@outport.local",
    created_at: "2026-11-01T10:00:00.000Z",
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    ...overrides,
  };
}

type Call = { url: string; method: string; body: unknown };
let calls: Call[];
let listed: TokenListItem[];

beforeEach(() => {
  calls = [];
  listed = [token()];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : undefined });
      if (url === "/api/tokens" && method === "POST") {
        const body = JSON.parse(String(init.body)) as { name: string; scope: string };
        if (body.name === "") {
          return Response.json(
            { detail: "Check the fields.", errors: [{ field: "name", message: "must not be empty" }] },
            { status: 422 },
          );
        }
        listed = [token({ id: "22222222-2222-4222-8222-222222222222", name: body.name, scope: "export" }), ...listed];
        return Response.json(
          {
            id: "2",
            name: body.name,
            scope: body.scope,
            token: SECRET,
            created_at: "2026-12-01T00:00:00Z",
            expires_at: null,
          },
          { status: 201 },
        );
      }
      if (url === "/api/tokens") return Response.json(listed);
      if (method === "DELETE") {
        listed = listed.map((t) => (url.endsWith(t.id) ? { ...t, revoked_at: "2026-12-01T00:00:00Z" } : t));
        return new Response(null, { status: 204 });
      }
      return new Response(null, { status: 404 });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

describe("TokenSettings", () => {
  it("lists tokens with their hint, scope, expiry, last use and status", () => {
    renderWithProviders(<TokenSettings isAdmin={false} canExportScope initial={[token({ last_used_at: null })]} />);
    const row = screen.getByTestId("token-row");
    expect(within(row).getByText("nightly")).toBeInTheDocument();
    expect(within(row).getByText("outport_pat_AbC123…")).toBeInTheDocument();
    expect(within(row).getByText("Never")).toBeInTheDocument();
    expect(within(row).getByText("Not yet")).toBeInTheDocument();
    expect(within(row).getByText("Active")).toBeInTheDocument();
    expect(screen.queryByRole("columnheader", { name: "Owner" })).not.toBeInTheDocument();
  });

  it("creates a token, shows its secret once with a warning, and copies it", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderWithProviders(<TokenSettings isAdmin={false} canExportScope initial={[token()]} />);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "ci" } });
    fireEvent.change(screen.getByLabelText("Expires"), { target: { value: "never" } });
    fireEvent.click(screen.getByRole("radio", { name: /export/ }));
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByTestId("token-secret")).toHaveTextContent(SECRET);
    expect(screen.getByText(/this is the only time it is shown/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "ci",
      scope: "export",
      expires_in_days: null,
    });
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(await screen.findByRole("button", { name: "Copied" })).toBeInTheDocument();
    // The list is read again and shows the new token (without its secret).
    await waitFor(() => expect(screen.getAllByTestId("token-row")).toHaveLength(2));
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("token-secret")).not.toBeInTheDocument();
  });

  it("shows the server's field reason when creating fails", async () => {
    renderWithProviders(<TokenSettings isAdmin={false} canExportScope initial={[]} />);
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("must not be empty")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Check the fields.");
  });

  it("lets a viewer choose only the read scope", () => {
    renderWithProviders(<TokenSettings isAdmin={false} canExportScope={false} initial={[]} />);
    expect(screen.getByRole("radio", { name: /export/ })).toBeDisabled();
    expect(screen.getByRole("radio", { name: /read/ })).toBeChecked();
    expect(screen.getByText("Viewers can create read tokens only.")).toBeInTheDocument();
  });

  it("shows an admin every owner, and revokes after a confirmation", async () => {
    renderWithProviders(<TokenSettings isAdmin canExportScope initial={[token()]} />);
    expect(screen.getByRole("columnheader", { name: "Owner" })).toBeInTheDocument();
    expect(screen.getByText("manager@outport.local")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Revoke" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    expect(screen.getByText(/Revoke “nightly”\?/)).toBeInTheDocument();
    const dialog = screen.getByRole("dialog", { hidden: true });
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke", hidden: true }));
    await waitFor(() => expect(calls.find((c) => c.method === "DELETE")?.url).toBe(`/api/tokens/${token().id}`));
    expect(await screen.findByText("Revoked")).toBeInTheDocument();
  });

  it("speaks Korean", () => {
    renderWithProviders(<TokenSettings isAdmin={false} canExportScope initial={[]} />, { locale: "ko" });
    expect(screen.getByRole("heading", { name: "액세스 토큰" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "토큰 만들기" })).toBeInTheDocument();
  });
});
