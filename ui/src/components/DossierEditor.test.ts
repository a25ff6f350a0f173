import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { PendingDossier, RecordForm } from "../lib/api/types";

const api = mock.hoisted(() => ({
  checkOwnerId: mock.fn(async (text: string) => ({
    input: text,
    valid: /^\d{9}$/.test(text),
    kind: "cmnd",
    kind_label_vi: "Chứng minh nhân dân",
    reason_vi: null,
    birth_year: null,
    sex: null,
    province: null,
  })),
  dossierSheetCheck: mock.fn(async (_id: string, n: number) => ({
    expected_images: n,
    received_images: 2,
    ok: n === 2,
    summary_vi: n === 2 ? "2 tờ × 1 mặt = 2 ảnh; đã nhận 2 ảnh" : `Thiếu ảnh: cần ${n} ảnh`,
    code: n === 2 ? null : "scan.count_missing",
  })),
  saveDossier: mock.fn(async () => ({ record: {}, sheet_check: null, batch_seq: 1 })),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: DossierEditor } = await import("./DossierEditor.svelte");

const dossier: PendingDossier = {
  id: "0192-ab",
  batch_id: "0192-b1",
  profile: "id-card-bank",
  kind: "id-card",
  index: 3,
  pages: 2,
  sheets: 2,
  blanks: [false, true],
  duplex: false,
  fields: { "storage.warehouse": "Kho A", "storage.box": "7", "storage.file": "17" },
  record_id: null,
};
const form: RecordForm = {
  kind: "id-card",
  kind_label_vi: "Hồ sơ CMND/CCCD",
  kind_label_en: "ID card",
  fields: [
    { key: "full_name", label_vi: "Họ và tên", label_en: "Full name", required: true, input: "text" },
    { key: "cmnd_number", label_vi: "Số CMND", label_en: "CMND number", required: true, input: "text" },
    { key: "storage.file", label_vi: "Hồ sơ số", label_en: "File number", required: false, input: "text" },
  ],
  doc_types: [],
};

describe("DossierEditor", () => {
  it("starts from the feeder's storage location, fills the CMND from the owner number, checks the count, saves", async () => {
    const onsaved = mock.fn();
    const onerror = mock.fn();
    render(DossierEditor, { props: { dossier, form, onsaved, ondiscard: () => {}, onerror } });
    expect(screen.getByTestId("dossier-location").textContent).toMatch(/Kho A · — · Hộp số 7 · Hồ sơ số 17/);
    expect(screen.getAllByTestId("dossier-page")).toHaveLength(2);
    expect((screen.getByTestId("field-storage.file") as HTMLInputElement).value).toBe("17");
    await fireEvent.input(screen.getByTestId("owner-id"), { target: { value: "025123457" } });
    await waitFor(() => expect((screen.getByTestId("field-cmnd_number") as HTMLInputElement).value).toBe("025123457"));
    await fireEvent.input(screen.getByTestId("declared-sheets"), { target: { value: "3" } });
    await waitFor(() => expect(screen.getByTestId("sheet-check").dataset.ok).toBe("false"));
    await fireEvent.click(screen.getByTestId("accept-mismatch"));
    await fireEvent.submit(screen.getByTestId("dossier-editor"));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(onerror).not.toHaveBeenCalledWith(expect.anything());
    const [id, request] = api.saveDossier.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(id).toBe("0192-ab");
    expect(request).toMatchObject({ owner_id: "025123457", declared_sheets: 3, accept_count_mismatch: true });
    expect(request.fields).toEqual(
      expect.arrayContaining([
        ["cmnd_number", "025123457"],
        ["storage.file", "17"],
      ]),
    );
  });
});
