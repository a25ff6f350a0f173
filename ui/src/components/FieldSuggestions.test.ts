import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { FieldSuggestion, FieldSuggestions as Suggestions } from "../lib/api/types";
import FieldSuggestions from "./FieldSuggestions.svelte";

const box = (x: number, y: number) => ({ x, y, w: 400, h: 60 });

function field(key: string, value: string, attention: FieldSuggestion["attention"], current: string | null): FieldSuggestion {
  return {
    key,
    label_vi: key,
    label_en: key,
    value,
    confidence: attention === "ok" ? 0.93 : 0.71,
    source: "ocr",
    attention,
    issues: attention === "invalid" ? ["Ngày không có trong lịch"] : [],
    spot: { ordinal: 2, width: 2480, height: 3508, bbox: box(160, 960) },
    weakest: { text: "Cúc", confidence: attention === "ok" ? 91 : 59, bbox: box(700, 960) },
    current,
  };
}

const suggestions: Suggestions = {
  record_id: "r1",
  version: 3,
  document: "cmnd-form",
  pages_read: 1,
  pages_unread: 0,
  fields: [
    field("full_name", "Nguyễn Văn An", "ok", "Nguyễn Văn An"),
    field("mother_name", "Trần Thị Cúc", "ok", "Trần Thị Cục"),
    field("father_name", "Nguyễn Văn Binh", "low", "Nguyễn Văn Bình"),
    field("birth_date", "2003-04-05", "ok", null),
    field("cmnd_number", "02512345", "invalid", "025123456"),
  ],
};

function rows() {
  return screen.getAllByTestId("suggestion").map((li) => ({
    key: li.dataset.key,
    attention: li.dataset.attention,
    chosen: (li.querySelector('[data-testid="suggestion-choose"]') as HTMLInputElement).checked,
    value: (li.querySelector('[data-testid="suggestion-value"]') as HTMLInputElement).value,
  }));
}

describe("FieldSuggestions", () => {
  it("pre-chooses only sure readings that change the record; weak and invalid ones wait for the officer", () => {
    render(FieldSuggestions, { props: { suggestions, onapply: () => {}, onmark: () => {} } });
    expect(rows()).toEqual([
      { key: "full_name", attention: "ok", chosen: false, value: "Nguyễn Văn An" },
      { key: "mother_name", attention: "ok", chosen: true, value: "Trần Thị Cúc" },
      { key: "father_name", attention: "low", chosen: false, value: "Nguyễn Văn Binh" },
      { key: "birth_date", attention: "ok", chosen: true, value: "05/04/2003" },
      { key: "cmnd_number", attention: "invalid", chosen: false, value: "02512345" },
    ]);
    expect(screen.getByTestId("suggestions-summary").textContent).toContain("Tờ khai CMND");
    expect(screen.getByTestId("suggestions").textContent).toContain("Chữ kém chắc nhất: «Cúc» (59%)");
    expect(screen.getByTestId("suggestions").textContent).toContain("Ngày không có trong lịch");
  });

  it("shows where a field was read when its row takes the focus", async () => {
    const onmark = mock.fn();
    render(FieldSuggestions, { props: { suggestions, onapply: () => {}, onmark } });
    await fireEvent.focus(screen.getAllByTestId("suggestion-value")[2]!);
    expect(onmark).toHaveBeenLastCalledWith({
      ordinal: 2,
      width: 2480,
      height: 3508,
      field: box(160, 960),
      word: box(700, 960),
      attention: "low",
    });
  });

  it("writes the chosen values, a value fixed by keyboard included, when Enter is pressed", async () => {
    const onapply = mock.fn();
    render(FieldSuggestions, { props: { suggestions, onapply, onmark: () => {} } });
    const father = screen.getAllByTestId("suggestion-value")[2]!;
    await fireEvent.input(father, { target: { value: "Nguyễn Văn Bình" } });
    await fireEvent.keyDown(father, { key: "Enter" });
    expect(onapply).toHaveBeenCalledWith([
      ["mother_name", "Trần Thị Cúc"],
      ["father_name", "Nguyễn Văn Bình"],
      ["birth_date", "05/04/2003"],
    ]);
  });

  it("replaces the household's members with the ones chosen", async () => {
    const onapply = mock.fn();
    const members: Suggestions = {
      ...suggestions,
      document: "residence-form",
      fields: [field("member", "Phạm Đức Thắng;;Chủ hộ;2019-03-01;", "ok", null), field("member", "Lê Thị Mai;;Vợ;;", "ok", null)],
    };
    render(FieldSuggestions, { props: { suggestions: members, onapply, onmark: () => {} } });
    await fireEvent.click(screen.getByTestId("suggestions-apply"));
    expect(onapply).toHaveBeenCalledWith([
      ["member", ""],
      ["member", "Phạm Đức Thắng;;Chủ hộ;2019-03-01;"],
      ["member", "Lê Thị Mai;;Vợ;;"],
    ]);
  });

  it("asks for OCR first when no page has words", () => {
    render(FieldSuggestions, {
      props: { suggestions: { ...suggestions, pages_read: 0, pages_unread: 2, fields: [] }, onapply: () => {}, onmark: () => {} },
    });
    expect(screen.getByTestId("suggestions-none").textContent).toContain("F6");
    expect(screen.queryByTestId("suggestions-apply")).toBeNull();
  });
});
