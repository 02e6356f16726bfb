import { describe, expect, it } from "vitest";
import { columnNeeds, type PdfFace } from "@/lib/export/pdf/table-canvas";
import {
  ELLIPSIS,
  fitLines,
  fitsIn,
  FontStack,
  textWidth,
  type FaceMetrics,
  type Line,
} from "@/lib/export/pdf/cell-lines";

// Two faces at 10 pt: a "Latin" face (ASCII and the ellipsis, 5 pt a character) and a
// "CJK" face (Hangul and Han, 10 pt a character).
const latin: FaceMetrics = { has: (cp) => (cp >= 32 && cp < 127) || cp === 0x2026, advance: () => 500 };
const cjk: FaceMetrics = { has: (cp) => cp >= 0x3000 && cp <= 0xd7af, advance: () => 1000 };
const stack = () => new FontStack([latin, cjk]);

const texts = (lines: Line[]) => lines.map((line) => line.pieces.map((p) => p.text).join(""));
const fit = (text: string, width: number, lines = 2) => fitLines(text, width, lines, 10, stack());

describe("cell line fitting", () => {
  it("keeps a text that fits on one line, measured", () => {
    const lines = fit("Computer Science", 200);
    expect(texts(lines)).toEqual(["Computer Science"]);
    expect(lines[0]?.width).toBe(80);
    expect(fit("   ", 200)).toEqual([]);
  });

  it("wraps at spaces and ends the last line in an ellipsis when text is left over", () => {
    expect(texts(fit("alpha beta gamma", 40))).toEqual(["alpha", `beta${ELLIPSIS}`]);
    expect(texts(fit("alpha beta gamma", 40, 3))).toEqual(["alpha", "beta", "gamma"]);
    expect(texts(fit("alpha beta gamma", 40, 1))).toEqual([`alpha${ELLIPSIS}`]);
    for (const line of fit("alpha beta gamma delta epsilon", 40)) expect(line.width).toBeLessThanOrEqual(40);
  });

  it("breaks a word too long for the cell after its '@' or '.', else between characters", () => {
    expect(texts(fit("student.12345@uni.example", 75))).toEqual(["student.12345@", "uni.example"]);
    // When the rest would not fit anyway, the line is filled instead: more of it shows.
    expect(texts(fit("student.12345@university.example", 75))).toEqual([
      "student.12345@u",
      `niversity.exam${ELLIPSIS}`,
    ]);
    expect(texts(fit("0123456789012345", 40))).toEqual(["01234567", "89012345"]);
    expect(texts(fit("01234567890123456", 40))).toEqual(["01234567", `8901234${ELLIPSIS}`]);
    // A cell narrower than one character still shows a character a line.
    expect(texts(fit("abc", 2))).toEqual(["a", `${ELLIPSIS}`]);
  });

  it("breaks Korean and Chinese between characters, never before closing punctuation", () => {
    expect(texts(fit("장학금 수혜자 명단", 30))).toEqual(["장학금", `수혜${ELLIPSIS}`]);
    expect(texts(fit("王伟同学", 20))).toEqual(["王伟", "同学"]);
    expect(texts(fit("가나다。", 30))).toEqual(["가나", "다。"]);
  });

  it("sets each run in the first font that has its characters", () => {
    const [line] = fit("ID 김민준", 200);
    expect(line?.pieces).toEqual([
      { face: 0, text: "ID ", width: 15 },
      { face: 1, text: "김민준", width: 30 },
    ]);
    // A character no face has goes to the first fallback, which draws its missing-glyph box.
    expect(fit("\u0e01", 200)[0]?.pieces[0]?.face).toBe(1);
  });

  it("measures a text's one-line width, and a cell of exactly that width holds it on one line", () => {
    // Advances that do not sum exactly in binary: 0.1 em a character.
    const thin: FaceMetrics = { has: () => true, advance: () => 100 };
    const text = "STU-24-00001 and some more";
    const width = textWidth(text, 7, new FontStack([thin]));
    expect(width).toBeCloseTo(text.length * 0.7, 9);
    expect(texts(fitLines(text, width, 2, 7, new FontStack([thin])))).toEqual([text]);
    expect(textWidth("ab\nabcd", 10, stack())).toBe(20);
  });

  it("tells whether a text fits its lines whole", () => {
    expect(fitsIn("alpha beta gamma", 40, 3, 10, stack())).toBe(true);
    expect(fitsIn("alpha beta gamma", 40, 2, 10, stack())).toBe(false);
    expect(fitsIn("", 1, 1, 10, stack())).toBe(true);
  });

  it("starts a new line at a newline and treats tabs as spaces", () => {
    expect(texts(fit("first\nsecond", 200))).toEqual(["first", "second"]);
    expect(texts(fit("a\tb", 200))).toEqual(["a b"]);
  });
});

describe("column needs", () => {
  // One face, 0.5 em a character: 3.5 pt at the table's 7 pt.
  const face: PdfFace = { id: "F1", has: () => true, advance: () => 500, encode: () => "", ref: () => null };
  const fonts = { regular: new FontStack([face]), bold: new FontStack([face]) };

  it("asks for the width that shows a header whole in two lines, and for most values on one line", () => {
    const [change] = columnNeeds([{ header: "Change vs. last term", type: "number" }], [["1.5"]], fonts);
    expect(change?.width).toBeCloseTo(35, 6); // "Change vs." over "last term"
    expect(change?.keep).toBe(true);
    expect(change?.word).toBeCloseTo(21, 6); // "Change", its floor
    const ids = columnNeeds([{ header: "ID", type: "string" }], [["STU-24-00001"], ["STU-24-00002"]], fonts)[0];
    expect(ids).toEqual({ width: 42, word: 7, keep: true });
    const names = columnNeeds([{ header: "Name", type: "string" }], [["Olivia Brown"], ["Ana"]], fonts)[0];
    expect(names?.keep).toBe(false);
  });
});
