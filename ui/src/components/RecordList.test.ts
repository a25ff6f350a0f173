import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it, vi as mock } from "vitest";
import { setLocale } from "../lib/i18n/index.svelte";
import { threeRecords } from "../test/records";
import RecordList from "./RecordList.svelte";

afterEach(() => setLocale("vi"));

function setup(selected = -1) {
  const onselect = mock.fn();
  const onopen = mock.fn();
  const result = render(RecordList, {
    props: { records: threeRecords, selected, emptyText: "Chưa có hồ sơ nào.", onselect, onopen },
  });
  return { ...result, onselect, onopen, table: screen.getByTestId("record-list") };
}

describe("RecordList", () => {
  it("shows one row per record with the columns officers read, in Vietnamese", () => {
    setup();
    const rows = screen.getAllByTestId("record-row");
    expect(rows).toHaveLength(3);
    const first = within(rows[0]!);
    expect(first.getByText("Nguyễn Văn An")).toBeTruthy();
    expect(first.getByText("079203001234")).toBeTruthy();
    expect(first.getByText("079203001234.DC0002")).toBeTruthy();
    expect(first.getByText("Hồ sơ cấp CMND/CCCD")).toBeTruthy();
    expect(first.getByText("21/11/2026 09:15")).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "Số định danh" })).toBeTruthy();
  });

  it("moves the selection with the arrow keys and opens with Enter", async () => {
    const { table, onselect, onopen } = setup(0);
    await fireEvent.keyDown(table, { key: "ArrowDown" });
    expect(onselect).toHaveBeenLastCalledWith(1);
    await fireEvent.keyDown(table, { key: "End" });
    expect(onselect).toHaveBeenLastCalledWith(2);
    await fireEvent.keyDown(table, { key: "Enter" });
    expect(onopen).toHaveBeenLastCalledWith(0);
  });

  it("does not open anything on Enter when no row is selected", async () => {
    const { table, onopen } = setup(-1);
    await fireEvent.keyDown(table, { key: "Enter" });
    expect(onopen).not.toHaveBeenCalled();
  });

  it("selects and opens the clicked row", async () => {
    const { onselect, onopen } = setup();
    await fireEvent.click(screen.getByText("Trần Thị Bích"));
    expect(onselect).toHaveBeenLastCalledWith(1);
    expect(onopen).toHaveBeenLastCalledWith(1);
  });

  it("marks the selected row for assistive technology", () => {
    const { table } = setup(1);
    const rows = screen.getAllByTestId("record-row");
    expect(rows[1]!.getAttribute("aria-selected")).toBe("true");
    expect(table.getAttribute("aria-activedescendant")).toBe(rows[1]!.id);
  });

  it("relabels headers and kinds when the language changes", () => {
    setup();
    setLocale("en");
    flushSync();
    expect(screen.getByRole("columnheader", { name: "Owner ID" })).toBeTruthy();
    expect(within(screen.getAllByTestId("record-row")[0]!).getByText("ID-card dossier")).toBeTruthy();
  });

  it("shows the empty text when there are no records", () => {
    render(RecordList, {
      props: { records: [], selected: -1, emptyText: "Chưa có hồ sơ nào.", onselect: () => {}, onopen: () => {} },
    });
    expect(screen.getByTestId("record-list-empty").textContent).toBe("Chưa có hồ sơ nào.");
  });
});
