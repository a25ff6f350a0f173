import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { DossierChecklist, RecordForm } from "../lib/api/types";

const lists: DossierChecklist[] = [
  {
    procedure: "BCA-CT-DKTT",
    name_vi: "Đăng ký thường trú",
    name_en: "Permanent residence registration",
    domain: "residence",
    results_only: false,
    source: "Luật Cư trú 2020 (số 68/2020/QH14), Điều 21",
    papers: [
      { slot: 1, name_vi: "Tờ khai thay đổi thông tin cư trú", name_en: "Declaration", required: true, result: false, doc_types: [{ code: "CT01", name_vi: "Tờ khai", name_en: "Declaration" }] },
      {
        slot: 2,
        name_vi: "Giấy tờ chứng minh chỗ ở hợp pháp",
        name_en: "Proof of lawful residence",
        required: true,
        result: false,
        doc_types: [
          { code: "CT-GCN-NHADAT", name_vi: "GCN", name_en: "Certificate" },
          { code: "CT-HD-THUE", name_vi: "Hợp đồng", name_en: "Lease" },
        ],
      },
    ],
  },
  {
    procedure: "BCA-CD-DKMOI",
    name_vi: "Đăng ký mẫu con dấu mới",
    name_en: "Seal registration",
    domain: "seal",
    results_only: true,
    source: null,
    papers: [{ slot: 1, name_vi: "Kết quả giải quyết: Giấy chứng nhận", name_en: "Result", required: true, result: true, doc_types: [{ code: "KQ-CONDAU", name_vi: "GCN", name_en: "Cert" }] }],
  },
];

const api = mock.hoisted(() => ({
  dossierChecklists: mock.fn(async (): Promise<DossierChecklist[]> => []),
  recordForm: mock.fn(async (): Promise<RecordForm> => ({ kind: "result", kind_label_vi: "", kind_label_en: "", fields: [], doc_types: [{ code: "KHAC", name_vi: "Giấy tờ khác", name_en: "Other" }] })),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: ProcedureChecklist } = await import("./ProcedureChecklist.svelte");

describe("ProcedureChecklist", () => {
  it("shows the law's papers, says what is missing as statuses change, and adds a paper by hand", async () => {
    api.dossierChecklists.mockResolvedValueOnce(lists);
    render(ProcedureChecklist, { props: { onerror: () => {} } });
    expect((await screen.findByTestId("checklist-source")).textContent).toContain("Điều 21");
    expect(screen.getByTestId("checklist-state").textContent).toContain("2 giấy tờ sẽ quét");
    // The proof of residence offers the types that satisfy it.
    const type = screen.getByTestId("paper-type-1") as HTMLSelectElement;
    expect([...type.options].map((o) => o.value)).toEqual(["CT-GCN-NHADAT", "CT-HD-THUE"]);
    await fireEvent.change(screen.getByTestId("paper-status-1"), { target: { value: "missing" } });
    expect(screen.getByTestId("checklist-state").textContent).toBe("Còn thiếu: Giấy tờ chứng minh chỗ ở hợp pháp");
    expect(screen.getByTestId("paper-1").classList.contains("missing")).toBe(true);
    // Sheets are only counted for papers handed in.
    expect((screen.getByTestId("paper-sheets-1") as HTMLInputElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("paper-add"));
    expect(screen.getByTestId("paper-name-2")).toBeTruthy();
    expect((screen.getByTestId("paper-type-2") as HTMLSelectElement).value).toBe("KHAC");
  });

  it("a results-only procedure says so and takes no added papers", async () => {
    api.dossierChecklists.mockResolvedValueOnce(lists);
    render(ProcedureChecklist, { props: { onerror: () => {}, procedure: "BCA-CD-DKMOI" } });
    await screen.findByTestId("checklist-source");
    await fireEvent.change(screen.getByTestId("procedure"), { target: { value: "BCA-CD-DKMOI" } });
    expect(screen.getByTestId("checklist-source").textContent).toBe("Thủ tục này chỉ số hóa kết quả giải quyết.");
    expect((screen.getByTestId("paper-add") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByTestId(/^paper-\d$/)).toHaveLength(1);
  });
});
