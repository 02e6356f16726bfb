// Which language a page is drawn in, on a real PostgreSQL: the browser's cookie wins;
// without one, the language kept on the signed-in user's account (so a new browser opens in
// the language they chose before); with neither, Accept-Language. The account page's
// language radios start from the page's own language, never contradicting it.
import type * as NextAuth from "next-auth";
import type * as React from "react";
import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeEach, describe, expect, inject, it, vi } from "vitest";
import AccountPage from "@/app/(dashboard)/settings/account/page";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { loadSignedInUser } from "@/lib/auth/current-user";
import { hashPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/data/prisma";
import { LOCALE_COOKIE, messagesFor, pageLocale, type Locale } from "@/lib/i18n";
import { getLocale } from "@/lib/i18n/server";

// The user-management database: this file creates users of its own.
process.env.DATABASE_URL = inject("usersDatabaseUrl");

const request: { userId: number | null; cookie: string | null; acceptLanguage: string | null } = {
  userId: null,
  cookie: null,
  acceptLanguage: null,
};

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: async () => (request.userId ? { user: { id: String(request.userId) } } : null),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers(request.acceptLanguage ? { "accept-language": request.acceptLanguage } : {}),
  cookies: async () => ({
    get: (name: string) =>
      name === LOCALE_COOKIE && request.cookie !== null ? { name, value: request.cookie } : undefined,
  }),
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`NEXT_REDIRECT ${url}`);
  },
  useRouter: () => ({ replace: () => {}, refresh: () => {}, push: () => {} }),
}));
// Outside Next, react's cache() would not memoise per request: each call is a request here.
vi.mock("react", async (importOriginal) => ({
  ...(await importOriginal<typeof React>()),
  cache: <T>(fn: T) => fn,
}));

let counter = 0;

// The children are passed as createElement's third argument.
type ProviderProps = ComponentProps<typeof I18nProvider>;

async function userWithLocale(locale: Locale): Promise<number> {
  counter += 1;
  const user = await prisma().user.create({
    data: {
      email: `page-locale${counter}-${Date.now()}@example.com`,
      name: `Page Locale ${counter}`,
      role: "viewer",
      passwordHash: await hashPassword("a password for this test"),
      locale,
    },
  });
  return user.id;
}

beforeEach(() => {
  request.userId = null;
  request.cookie = null;
  request.acceptLanguage = null;
});

describe("pageLocale", () => {
  it.each([
    ["en", "ko", "ko-KR", "en"],
    ["ko", "en", "en-US", "ko"],
    [undefined, "ko", "en-US", "ko"],
    ["xx", "ko", "en-US", "ko"],
    [undefined, undefined, "ko-KR,ko;q=0.9", "ko"],
    [undefined, null, undefined, "en"],
  ] as const)("cookie %s, stored %s, Accept-Language %s → %s", (cookie, stored, accept, expected) => {
    expect(pageLocale(cookie, stored, accept)).toBe(expected);
  });
});

describe("the stored language", () => {
  it("is loaded with the session's user", async () => {
    const id = await userWithLocale("ko");
    expect((await loadSignedInUser(id))?.locale).toBe("ko");
  });
});

describe("getLocale", () => {
  it("the cookie wins over the stored language", async () => {
    request.userId = await userWithLocale("ko");
    request.cookie = "en";
    request.acceptLanguage = "ko-KR";
    expect(await getLocale()).toBe("en");
  });

  it("without a cookie, the signed-in user's stored language, before Accept-Language", async () => {
    request.userId = await userWithLocale("ko");
    request.acceptLanguage = "en-US";
    expect(await getLocale()).toBe("ko");
  });

  it("with neither a cookie nor a user, Accept-Language", async () => {
    request.acceptLanguage = "ko-KR,ko;q=0.9";
    expect(await getLocale()).toBe("ko");
  });
});

async function accountPage(): Promise<string> {
  const locale = await getLocale();
  const page = await AccountPage();
  return renderToStaticMarkup(
    createElement(I18nProvider, { locale, messages: messagesFor(locale) } as ProviderProps, page),
  );
}

/** The value of the checked language radio in the page's HTML. */
function checkedLanguage(html: string): string | undefined {
  const radios = html.match(/<input[^>]*name="locale"[^>]*>/g) ?? [];
  return radios.find((radio) => /\bchecked\b/.test(radio))?.match(/value="(\w+)"/)?.[1];
}

describe("the account page's language radios", () => {
  it("a Korean cookie over the default stored English: the page and the radio both say Korean", async () => {
    request.userId = await userWithLocale("en");
    request.cookie = "ko";
    const html = await accountPage();
    expect(html).toContain(messagesFor("ko")["account.title"]);
    expect(checkedLanguage(html)).toBe("ko");
  });

  it("no cookie, Korean stored: drawn in Korean with Korean ticked", async () => {
    request.userId = await userWithLocale("ko");
    request.acceptLanguage = "en-US";
    const html = await accountPage();
    expect(html).toContain(messagesFor("ko")["account.title"]);
    expect(checkedLanguage(html)).toBe("ko");
  });
});
