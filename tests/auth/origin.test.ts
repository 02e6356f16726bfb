import os from "node:os";
import { describe, expect, it } from "vitest";
import { appOrigins, requestOrigin, sameOriginTarget } from "@/lib/auth/origin";

const host = (value: string) => new Headers({ host: value });

describe("the origin the sign-in answers for", () => {
  it("on loopback: the loopback names on the listening port, else the address it listens on", () => {
    const env = { HOST: "127.0.0.1", PORT: "3201" };
    expect(requestOrigin(host("127.0.0.1:3201"), env)).toBe("http://127.0.0.1:3201");
    expect(requestOrigin(host("LOCALHOST:3201"), env)).toBe("http://localhost:3201");
    expect(requestOrigin(host("[::1]:3201"), env)).toBe("http://[::1]:3201");
    for (const forged of [
      "evil.example",
      "evil.example:3201",
      "localhost:3202",
      "127.0.0.1",
      "",
      "127.0.0.1:3201@evil",
    ]) {
      expect(requestOrigin(host(forged), env), forged).toBe("http://127.0.0.1:3201");
    }
    expect(requestOrigin(new Headers(), env)).toBe("http://127.0.0.1:3201");
  });

  it("defaults to the launcher's defaults (127.0.0.1:3000)", () => {
    expect(appOrigins({}).canonical).toBe("http://127.0.0.1:3000");
  });

  it("on one other address: only that address", () => {
    const env = { HOST: "10.1.2.3", PORT: "8080" };
    expect(requestOrigin(host("10.1.2.3:8080"), env)).toBe("http://10.1.2.3:8080");
    expect(requestOrigin(host("localhost:8080"), env)).toBe("http://10.1.2.3:8080");
  });

  it("on every address: the machine's own addresses and name, nothing else", () => {
    const env = { HOST: "0.0.0.0", PORT: "80" };
    const { hosts, canonical } = appOrigins(env);
    expect(hosts.has("127.0.0.1")).toBe(true);
    expect(hosts.has("127.0.0.1:80")).toBe(true);
    expect(hosts.has(os.hostname().toLowerCase())).toBe(true);
    expect(hosts.has("evil.example")).toBe(false);
    expect(requestOrigin(host("evil.example"), env)).toBe(canonical);
  });

  it("NEXTAUTH_URL, when set, is the one origin", () => {
    const env = { NEXTAUTH_URL: "https://outport.example.org/", HOST: "0.0.0.0", PORT: "3000" };
    expect(requestOrigin(host("127.0.0.1:3000"), env)).toBe("https://outport.example.org");
    expect(requestOrigin(host("evil.example"), env)).toBe("https://outport.example.org");
  });
});

describe("sameOriginTarget", () => {
  const origin = "http://127.0.0.1:3000";
  it("keeps same-site paths and URLs of the origin", () => {
    expect(sameOriginTarget("/datasets/3?x=1#a", origin)).toBe(`${origin}/datasets/3?x=1#a`);
    expect(sameOriginTarget(`${origin}/history`, origin)).toBe(`${origin}/history`);
  });

  it("refuses everything that could leave it", () => {
    for (const target of [
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "http://evil.example/x",
      "https://127.0.0.1:3000/x",
      "http://127.0.0.1:3000@evil.example/",
      "javascript:alert(1)",
      "data:text/html,x",
      "/\tevil",
      "datasets",
      "",
      "x".repeat(5000),
      42,
      undefined,
    ]) {
      expect(sameOriginTarget(target, origin), String(target)).toBeNull();
    }
  });
});
