import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";

const api = mock.hoisted(() => ({
  splitRecord: mock.fn(async (record: string, at: number) => ({
    source_id: record,
    source_version: 4,
    new_id: "0193a5b2-7c1d-7000-8000-00000000beef",
    new_version: 1,
    moved: 4 - at,
  })),
  mergeCandidates: mock.fn(async (_record: string) => [
    {
      id: "0193a5b2-0000-7000-8000-000000000002",
      title: "Hồ sơ cư trú — Phạm Đức Thắng",
      doc_type_code: "CT01",
      page_count: 2,
      created_at: "2026-11-22T01:00:00Z",
    },
    {
      id: "0193a5b2-0000-7000-8000-000000000001",
      title: "Hồ sơ cư trú — Phạm Đức Thắng",
      doc_type_code: "CT01",
      page_count: 1,
      created_at: "2026-11-21T01:00:00Z",
    },
  ]),
  mergeRecords: mock.fn(async (target: string, source: string) => ({
    target_id: target,
    target_version: 5,
    source_id: source,
    moved: 2,
  })),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

// Imported after the mock is in place (the alias `mock` is not hoisted like `vi.mock`).
const { default: PageOps } = await import("./PageOps.svelte");

const RECORD = "0193a5b2-aaaa-7000-8000-00000000aaaa";

function setup(selected = 2, pages = 4) {
  const props = { record: RECORD, version: 4, selected, pages, onchanged: mock.fn(), onopen: mock.fn(), oninsert: mock.fn() };
  render(PageOps, { props });
  return props;
}

const shellError = (code: string, message: string) => ({ code, message, message_en: code });

describe("PageOps", () => {
  it("splits at the selected page after asking, then offers the new record", async () => {
    api.splitRecord.mockClear();
    const props = setup(2, 4);
    await fireEvent.click(screen.getByTestId("split-start"));
    expect(screen.getByTestId("split-confirm").textContent).toContain("Tách trang 3–4 sang một hồ sơ mới");
    expect(api.splitRecord).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("split-do"));
    await mock.waitFor(() => expect(props.onchanged).toHaveBeenCalledTimes(1));
    expect(api.splitRecord).toHaveBeenCalledWith(RECORD, 2, 4);
    expect(screen.getByTestId("page-ops-done").textContent).toContain("Đã tách 2 trang sang hồ sơ mới 0193a5b2");
    await fireEvent.click(screen.getByTestId("open-new-record"));
    expect(props.onopen).toHaveBeenCalledWith("0193a5b2-7c1d-7000-8000-00000000beef");
  });

  it("cannot split at the first page (nothing would stay)", () => {
    setup(0, 4);
    expect((screen.getByTestId("split-start") as HTMLButtonElement).disabled).toBe(true);
  });

  it("reloads the record when the pages changed since they were shown (version conflict)", async () => {
    api.splitRecord.mockImplementationOnce(async () => {
      throw shellError("store.version_conflict", "Hồ sơ vừa được thay đổi ở nơi khác");
    });
    const props = setup(1, 3);
    await fireEvent.click(screen.getByTestId("split-start"));
    await fireEvent.click(screen.getByTestId("split-do"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("store.version_conflict");
    expect(props.onchanged).toHaveBeenCalledTimes(1);
  });

  it("shows the engine's refusal of a split in the error banner", async () => {
    api.splitRecord.mockImplementationOnce(async () => {
      throw shellError("pages.delivered", "Hồ sơ 0193a5b2 đã gửi lên kho lưu trữ (có biên nhận)");
    });
    const props = setup(1, 3);
    await fireEvent.click(screen.getByTestId("split-start"));
    await fireEvent.click(screen.getByTestId("split-do"));
    const banner = await screen.findByTestId("error-banner");
    expect(banner.dataset.errorCode).toBe("pages.delivered");
    expect(screen.getByTestId("error-message").textContent).toContain("đã gửi lên kho lưu trữ");
    expect(props.onchanged).not.toHaveBeenCalled();
  });

  it("merges the record picked from the owner's other records after asking", async () => {
    api.mergeRecords.mockClear();
    const props = setup(0, 2);
    await fireEvent.click(screen.getByTestId("merge-start"));
    const choices = await screen.findAllByTestId("merge-candidate");
    expect(api.mergeCandidates).toHaveBeenCalledWith(RECORD);
    expect(choices).toHaveLength(2);
    expect(screen.queryByTestId("merge-do")).toBeNull();
    await fireEvent.click(choices[1] as HTMLElement);
    expect(screen.getByTestId("merge-question").textContent).toContain("Gộp 1 trang của hồ sơ 0193a5b2 vào sau hồ sơ này");
    await fireEvent.click(choices[0] as HTMLElement);
    await fireEvent.click(screen.getByTestId("merge-do"));
    await mock.waitFor(() => expect(props.onchanged).toHaveBeenCalledTimes(1));
    expect(api.mergeRecords).toHaveBeenCalledWith(RECORD, "0193a5b2-0000-7000-8000-000000000002", 4);
    expect(screen.getByTestId("page-ops-done").textContent).toContain("Đã gộp 2 trang");
    expect(screen.queryByTestId("merge-picker")).toBeNull();
  });

  it("shows the engine's refusal of a merge in the error banner", async () => {
    api.mergeRecords.mockImplementationOnce(async () => {
      throw shellError("pages.owner_differs", "Hai hồ sơ không cùng một chủ hồ sơ: không gộp được");
    });
    const props = setup(0, 2);
    await fireEvent.click(screen.getByTestId("merge-start"));
    await fireEvent.click((await screen.findAllByTestId("merge-candidate"))[0] as HTMLElement);
    await fireEvent.click(screen.getByTestId("merge-do"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("pages.owner_differs");
    expect(props.onchanged).not.toHaveBeenCalled();
  });

  it("says so when the owner has no other record of this kind", async () => {
    api.mergeCandidates.mockImplementationOnce(async () => []);
    setup(0, 2);
    await fireEvent.click(screen.getByTestId("merge-start"));
    expect((await screen.findByTestId("merge-picker")).textContent).toContain("Không có hồ sơ nào khác");
  });

  it("asks for a scan before or after the selected page", async () => {
    const props = setup(1, 3);
    await fireEvent.click(screen.getByTestId("insert-before"));
    await fireEvent.click(screen.getByTestId("insert-after"));
    expect(props.oninsert.mock.calls).toEqual([[1], [2]]);
  });
});
