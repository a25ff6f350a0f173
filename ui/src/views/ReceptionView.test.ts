import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { ReceivedDossier, ReceivedPaper, RecordDetail } from "../lib/api/types";
import { detail as baseDetail } from "../test/records";

/** The record after a scan of three pages (with OCR words between them, which are not pages). */
function withPages(): RecordDetail {
  const d = baseDetail();
  const files = [1, 2, 3].flatMap((n) => [
    { ordinal: 2 * n - 1, name: `page-000${n}.png`, media_type: "image/png", size: 10, sha256: `${n}`.repeat(64), signed_copy: false },
    { ordinal: 2 * n, name: `page-000${n}.png.ocr.json`, media_type: "application/json", size: 5, sha256: `${n}f`.repeat(32), signed_copy: false },
  ]);
  return { ...d, versions: [{ ...d.versions[0]!, files }] };
}

const api = mock.hoisted(() => ({
  recordForm: mock.fn(async (kind: string) => ({
    kind,
    kind_label_vi: "Hồ sơ cư trú",
    kind_label_en: "Residence",
    fields: [],
    doc_types: [{ code: "CT01", name_vi: "Tờ khai thay đổi thông tin cư trú", name_en: "CT01" }],
  })),
  checkOwnerId: mock.fn(async () => (await import("../test/owner")).validOwnerId()),
  createRecord: mock.fn(async () => ({}) as RecordDetail),
  recordDetail: mock.fn(async () => ({}) as RecordDetail),
  listScanners: mock.fn(async () => ({
    devices: [{ id: "test:0", name: "Máy quét thử", driver: "sane", duplex: false }],
    presets: [{ id: "cmnd-form", name_vi: "Tờ khai", dpi: 300, legal_copy: true, duplex: true }],
  })),
  scanRecord: mock.fn(async () => ({ spool_id: "s1", pages: 1, import: { record_id: "r", version: 3 }, fault: null })),
  onScanProgress: mock.fn(async () => () => {}),
  dossierOf: mock.fn(async (): Promise<ReceivedDossier | null> => null),
  editPages: mock.fn(async (): Promise<RecordDetail> => {
    throw { code: "store.version_conflict", message: "Hồ sơ vừa được thay đổi ở nơi khác", message_en: "changed elsewhere" };
  }),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: ReceptionView } = await import("./ReceptionView.svelte");

/** The reception screen after the officer typed a valid ID and created the record (which has three pages). */
async function openWithPages() {
  api.createRecord.mockImplementation(async () => withPages());
  api.recordDetail.mockImplementation(async () => withPages());
  render(ReceptionView, { props: { onclose: mock.fn() } });
  await fireEvent.input(await screen.findByTestId("owner-id"), { target: { value: "036090004567" } });
  const create = screen.getByTestId("create-record") as HTMLButtonElement;
  await mock.waitFor(() => expect(create.disabled).toBe(false));
  await fireEvent.click(create);
}

describe("ReceptionView page actions", () => {
  it("scans pages in after the selected page as one scan with insert_at", async () => {
    await openWithPages();
    const thumbs = await screen.findAllByTestId("page-thumb");
    await mock.waitFor(() => expect((screen.getByTestId("scanner-device") as HTMLSelectElement).value).toBe("test:0"));
    await fireEvent.click(thumbs[1] as HTMLElement);
    await fireEvent.click(screen.getByTestId("insert-after"));
    await mock.waitFor(() => expect(api.scanRecord).toHaveBeenCalledTimes(1));
    expect(api.scanRecord).toHaveBeenCalledWith({
      record: baseDetail().summary.id,
      device: "test:0",
      preset: "cmnd-form",
      max_pages: null,
      insert_at: 2,
    });
    // The ordinary scan button still appends.
    await mock.waitFor(() => expect((screen.getByTestId("scan-start") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("scan-start"));
    await mock.waitFor(() => expect(api.scanRecord).toHaveBeenCalledTimes(2));
    expect(api.scanRecord.mock.calls[1]).toEqual([expect.objectContaining({ insert_at: null })]);
  });

  it("turns a page of the version on screen, and on a version conflict shows the record as it is now", async () => {
    await openWithPages();
    await screen.findAllByTestId("page-thumb");
    const reloads = api.recordDetail.mock.calls.length;
    await fireEvent.click(screen.getAllByTestId("page-turn")[0] as HTMLElement);
    await mock.waitFor(() => expect(api.editPages).toHaveBeenCalledTimes(1));
    const version = withPages().versions[0]!.number;
    expect(api.editPages.mock.calls[0]).toEqual([baseDetail().summary.id, expect.objectContaining({ version })]);
    expect((await screen.findByTestId("error-banner")).getAttribute("data-error-code")).toBe("store.version_conflict");
    await mock.waitFor(() => expect(api.recordDetail.mock.calls.length).toBe(reloads + 1));
  });
});

/** A paper of a received dossier as the engine finds it again: `pages` scanned, signed or not. */
function paper(id: string, ordinal: number, sheets: number, pages: number, signed: boolean): ReceivedPaper {
  const d = baseDetail();
  return {
    slot: ordinal,
    ordinal,
    doc_type: "CT01",
    name: `Giấy ${ordinal}`,
    sheets,
    pages,
    signed,
    record: { ...d, summary: { ...d.summary, id, current_version: null, page_count: 0 }, versions: [] },
  };
}

describe("ReceptionView opened from the record list", () => {
  it("comes back with the rest of the dossier, on the paper chosen, as far as it was scanned and signed", async () => {
    api.dossierOf.mockImplementation(async () => ({
      dossier_no: "HS-20261122-101500",
      procedure: "BCA-CT-DKTT",
      electronic: [3],
      records: [paper("a", 1, 2, 3, true), paper("b", 2, 1, 0, false)],
    }));
    render(ReceptionView, { props: { onclose: mock.fn(), resume: "b" } });
    const chosen = await screen.findByTestId("dossier-paper-1");
    expect(api.dossierOf).toHaveBeenCalledWith("b");
    expect(chosen.getAttribute("aria-current")).toBe("true");
    expect(chosen.dataset.check).toBe("short");
    const done = screen.getByTestId("dossier-paper-0");
    expect(done.dataset.check).toBe("ok");
    expect(done.textContent).toContain("đã ký");
    expect(screen.getByTestId("dossier-no").textContent).toContain("HS-20261122-101500");
    expect(screen.getByText("+ 1 giấy tờ đã có bản điện tử")).toBeTruthy();
    // One sheet on a duplex preset: the scan stops after two images.
    await mock.waitFor(() => expect((screen.getByTestId("scan-max") as HTMLInputElement).value).toBe("2"));
  });

  it("opens a record received alone on its own", async () => {
    api.dossierOf.mockImplementation(async () => null);
    api.recordDetail.mockImplementation(async () => withPages());
    render(ReceptionView, { props: { onclose: mock.fn(), resume: baseDetail().summary.id } });
    expect(await screen.findByTestId("reception-record")).toBeTruthy();
    expect(screen.queryByTestId("dossier-papers")).toBeNull();
    expect(api.recordDetail).toHaveBeenCalledWith(baseDetail().summary.id);
  });
});
