import { fireEvent, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { afterEach, describe, expect, it, vi as mock } from "vitest";
import { setLocale } from "../lib/i18n/index.svelte";
import { detail } from "../test/records";
import RecordDetail from "./RecordDetail.svelte";

afterEach(() => setLocale("vi"));

describe("RecordDetail", () => {
  it("asks the officer to pick a record when none is open", () => {
    render(RecordDetail, { props: { detail: null } });
    expect(screen.getByTestId("detail-empty").textContent).toBe("Chọn một hồ sơ trong danh sách để xem chi tiết.");
  });

  it("shows fields with Vietnamese labels, versions with files, and history", () => {
    render(RecordDetail, { props: { detail: detail() } });
    expect(screen.getByTestId("detail-title").textContent).toBe("Tờ khai CMND — Nguyễn Văn An");
    const labels = screen.getAllByTestId("field-label").map((e) => e.textContent);
    expect(labels).toEqual(["Họ và tên", "Họ tên mẹ"]);
    expect(screen.getAllByTestId("field-value").map((e) => e.textContent)).toEqual(["Nguyễn Văn An", "Trần Thị Cúc"]);
    expect(screen.getAllByTestId("file-row")).toHaveLength(1);
    expect(screen.getByText("1,5 KB")).toBeTruthy();
    expect(screen.getByText("SHA-256 abababab…abababab")).toBeTruthy();
    expect(screen.getAllByTestId("history-row")).toHaveLength(1);
    expect(screen.getByText("Tạo hồ sơ")).toBeTruthy();
  });

  it("switches field labels to English", () => {
    render(RecordDetail, { props: { detail: detail() } });
    setLocale("en");
    flushSync();
    expect(screen.getAllByTestId("field-label").map((e) => e.textContent)).toEqual(["Full name", "Mother's full name"]);
  });

  it("says when a record has no file (information only)", () => {
    render(RecordDetail, { props: { detail: { ...detail(), versions: [] } } });
    expect(screen.getByTestId("detail-no-versions").textContent).toBe("Hồ sơ chưa có tệp (chỉ lưu thông tin).");
  });

  it("offers to go on at the counter only to roles that scan, and not for a trashed or information-only record", async () => {
    const oncontinue = mock.fn();
    const { rerender } = render(RecordDetail, { props: { detail: detail() } });
    expect(screen.queryByTestId("detail-continue")).toBeNull();
    await rerender({ detail: detail(), oncontinue });
    await fireEvent.click(screen.getByTestId("detail-continue"));
    expect(oncontinue).toHaveBeenCalledWith(detail().summary.id);
    await rerender({ detail: { ...detail(), summary: { ...detail().summary, trashed: true } }, oncontinue });
    expect(screen.queryByTestId("detail-continue")).toBeNull();
    await rerender({ detail: { ...detail(), summary: { ...detail().summary, kind: "info-only" } }, oncontinue });
    expect(screen.queryByTestId("detail-continue")).toBeNull();
  });
});

describe("RecordDetail dossier", () => {
  const inDossier = () => {
    const d = detail();
    const notation = { key: "archival.file_notation", label_vi: "Số và ký hiệu hồ sơ", label_en: "File number and notation" };
    return { ...d, fields: [...d.fields, { ...notation, value: "HS-20261122-134652" }] };
  };

  it("shows the dossier number and asks for the whole dossier with it", async () => {
    const onshowdossier = mock.fn();
    render(RecordDetail, { props: { detail: inDossier(), onshowdossier } });
    expect(screen.getByTestId("detail-dossier").textContent).toBe("HS-20261122-134652");
    const button = screen.getByTestId("show-dossier");
    expect(button.textContent?.trim()).toBe("Xem cả hồ sơ");
    await fireEvent.click(button);
    expect(onshowdossier).toHaveBeenCalledWith("HS-20261122-134652");
  });

  it("offers nothing for a record outside any dossier", () => {
    render(RecordDetail, { props: { detail: detail(), onshowdossier: mock.fn() } });
    expect(screen.queryByTestId("detail-dossier")).toBeNull();
    expect(screen.queryByTestId("show-dossier")).toBeNull();
  });
});
