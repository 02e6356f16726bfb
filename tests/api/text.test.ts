// The one rule for text no field may carry (lib/text.ts): what is unsafe, how fields are
// named, that no nesting depth breaks the walk, and how kept text is made storable.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertSafeInput, storableJson, storableText, unsafeTextFields, unsafeTextReason } from "@/lib/text";

describe("unsafe text", () => {
  it.each([
    ["a\u0000b", "must not contain NUL characters"],
    ["\ud800", "must be valid Unicode (it contains an unpaired surrogate)"],
    ["x\udfff", "must be valid Unicode (it contains an unpaired surrogate)"],
    ["\udc00\ud800", "must be valid Unicode (it contains an unpaired surrogate)"],
  ])("%j is refused", (text, reason) => {
    expect(unsafeTextReason(text)).toBe(reason);
  });

  it.each(["", "plain", "😀", "지역", "\uFFFD", "tab\tnew\nline", "\u0001"])("%j is accepted", (text) => {
    expect(unsafeTextReason(text)).toBeNull();
  });

  it("names every unsafe field as a dotted path, keys included, bad characters written out", () => {
    expect(unsafeTextFields({ a: [{ b: "\u0000" }], "k\u0000": 1, ok: "fine", c: { d: "\ud800" } })).toEqual([
      { field: "a.0.b", message: "must not contain NUL characters" },
      { field: "k\\u0000", message: "its name must not contain NUL characters" },
      { field: "c.d", message: "must be valid Unicode (it contains an unpaired surrogate)" },
    ]);
    expect(unsafeTextFields("\u0000", "jobId")).toEqual([
      { field: "jobId", message: "must not contain NUL characters" },
    ]);
  });

  it("walks any depth without exhausting the stack, and reports at most 20 fields", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unsafeTextFields(deep)).toHaveLength(1);
    expect(unsafeTextFields(Array.from({ length: 500 }, () => "\u0000"))).toHaveLength(20);
  });

  it("is a 422-kind AppError when asserted", () => {
    expect(() => assertSafeInput({ q: "\u0000" })).toThrow(AppError);
    expect(assertSafeInput({ q: "fine" })).toEqual({ q: "fine" });
  });
});

describe("storable text", () => {
  it("writes NUL out, replaces lone surrogates, keeps pairs whole, caps the length", () => {
    expect(storableText("a\u0000b\ud800c😀")).toBe("a\\u0000b\uFFFDc😀");
    expect(storableText("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
    // The cap does not leave half of a pair behind.
    expect(storableText(`${"x".repeat(8)}😀tail`, 10)).toBe(`${"x".repeat(8)}…`);
  });

  it("makes every text of a JSON value storable, keys too, and bounds its depth", () => {
    let deep: unknown = "end";
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const stored = JSON.stringify(storableJson({ "k\u0000": ["\udc00", 1, null, true], deep }));
    expect(stored).toContain('"k\\\\u0000":["\uFFFD",1,null,true]');
    expect(stored).toContain("(nested too deeply)");
  });
});
