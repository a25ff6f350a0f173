import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { ListQuery, RecordDetail, RecordSummary } from "../lib/api/types";
import { detail, summary, threeRecords } from "../test/records";

const DOSSIER = "HS-20261122-134652";

/** The first record is paper 1 of a reception dossier. */
function inDossier(): RecordDetail {
  const d = detail();
  const notation = { key: "archival.file_notation", label_vi: "Số và ký hiệu hồ sơ", label_en: "File number" };
  return { ...d, fields: [...d.fields, { ...notation, value: DOSSIER }] };
}

/** The engine's answer to a dossier query: its papers, in the dossier's order. */
const papers: RecordSummary[] = [
  summary({ id: "01J000000000000000000000P1", title: "Tờ khai thay đổi thông tin cư trú" }),
  summary({ id: "01J000000000000000000000P2", title: "Hợp đồng cho thuê chỗ ở" }),
];

const api = mock.hoisted(() => ({
  listRecords: mock.fn(async (_q: ListQuery): Promise<RecordSummary[]> => []),
  recordDetail: mock.fn(async (): Promise<RecordDetail> => ({}) as RecordDetail),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: RecordsView } = await import("./RecordsView.svelte");

describe("RecordsView dossier", () => {
  it("lists a dossier's papers in the engine's order, and lets go of the dossier again", async () => {
    api.listRecords.mockImplementation(async (q) => (q.dossier === DOSSIER ? papers : threeRecords));
    api.recordDetail.mockImplementation(async () => inDossier());
    render(RecordsView);
    const rows = await screen.findAllByTestId("record-row");
    expect(rows).toHaveLength(3);
    await fireEvent.click(rows[0]!);
    await fireEvent.click(await screen.findByTestId("show-dossier"));

    await mock.waitFor(() => expect(api.listRecords).toHaveBeenLastCalledWith(expect.objectContaining({ dossier: DOSSIER })));
    expect(api.listRecords.mock.lastCall?.[0]).not.toHaveProperty("text");
    await mock.waitFor(() => expect(screen.getAllByTestId("record-row")).toHaveLength(2));
    const titles = screen.getAllByTestId("record-row").map((r) => r.textContent ?? "");
    expect(titles[0]).toContain("Tờ khai thay đổi thông tin cư trú");
    expect(titles[1]).toContain("Hợp đồng cho thuê chỗ ở");
    expect(screen.getByTestId("dossier-filter").textContent).toContain(
      `Hồ sơ ${DOSSIER}: các giấy tờ theo thứ tự trong hồ sơ`,
    );

    await fireEvent.click(screen.getByTestId("dossier-clear"));
    await mock.waitFor(() => expect(screen.getAllByTestId("record-row")).toHaveLength(3));
    expect(api.listRecords.mock.lastCall?.[0]).not.toHaveProperty("dossier");
    expect(screen.queryByTestId("dossier-filter")).toBeNull();
  });
});
