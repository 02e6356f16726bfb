// The files that keep generated secrets (var/auth-secret, var/postgres-password): owner-only
// from the moment they exist, and written whole or not at all.
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newSecret, readOrCreateSecret, readSecretFile, writeSecretFile } from "@/lib/data/embedded-secret-file";
import { embeddedPasswordFile, embeddedUrl } from "@/lib/data/embedded-server";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-secret-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a generated secret", () => {
  it("is 32 random bytes in base64url, a new one each time", () => {
    const a = newSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(newSecret()).not.toBe(a);
  });
});

describe("writeSecretFile", () => {
  it("creates the file with mode 0600, whatever the umask, and leaves no temporary file", async () => {
    const previous = process.umask(0o000);
    try {
      writeSecretFile(path.join(dir, "nested", "secret"), "s3cret");
    } finally {
      process.umask(previous);
    }
    const file = path.join(dir, "nested", "secret");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("s3cret\n");
    expect(await readdir(path.join(dir, "nested"))).toEqual(["secret"]);
  });

  it("replaces an existing file whole, by renaming a new file over it", async () => {
    const file = path.join(dir, "secret");
    await writeFile(file, "old\n", { mode: 0o644 });
    const before = (await stat(file)).ino;
    writeSecretFile(file, "new");
    const after = await stat(file);
    expect(after.ino).not.toBe(before);
    expect(after.mode & 0o777).toBe(0o600);
    expect(readSecretFile(file)).toBe("new");
  });

  it("leaves no partial or temporary file behind when the rename fails", async () => {
    // A non-empty directory in the way: a file cannot be renamed over it.
    const target = path.join(dir, "secret");
    await mkdir(path.join(target, "inside"), { recursive: true });
    expect(() => writeSecretFile(target, "new")).toThrow();
    expect(await readdir(dir)).toEqual(["secret"]);
    expect(await readdir(target)).toEqual(["inside"]);
  });
});

describe("readOrCreateSecret", () => {
  it("generates the secret once and reads the same one afterwards", async () => {
    const file = path.join(dir, "auth-secret");
    expect(readSecretFile(file)).toBeNull();
    const first = readOrCreateSecret(file);
    expect(readOrCreateSecret(file)).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("keeps a secret written by hand without a final newline", async () => {
    const file = path.join(dir, "auth-secret");
    await writeFile(file, "by-hand");
    expect(readOrCreateSecret(file)).toBe("by-hand");
  });
});

describe("the embedded server's password file and URL", () => {
  it("keeps the password next to the data directory", () => {
    expect(embeddedPasswordFile("/srv/outport/var/postgres")).toBe("/srv/outport/var/postgres-password");
    expect(embeddedPasswordFile("/srv/outport/var/postgres/")).toBe("/srv/outport/var/postgres-password");
  });

  it("percent-encodes the password in the URL, which gives it back unchanged", () => {
    const url = embeddedUrl(54329, "a/b:c@d%e f", "outport");
    expect(url).toBe("postgresql://outport:a%2Fb%3Ac%40d%25e%20f@127.0.0.1:54329/outport");
    expect(decodeURIComponent(new URL(url).password)).toBe("a/b:c@d%e f");
  });
});
