import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { Preset, ScanPresets } from "../lib/api/types";

const table = (): ScanPresets => ({
  presets: [
    { id: "cmnd-form", name_vi: "Tờ khai CMND", source: "adf-duplex", mode: "color", dpi: 300, width_mm: 210, height_mm: 297, scale_percent: 100, legal_copy: true },
    { id: "draft-gray", name_vi: "Bản nháp", source: "adf", mode: "gray", dpi: 150, scale_percent: 100, legal_copy: false },
  ],
  origin: "builtin",
  required: ["cmnd-form"],
});

const api = mock.hoisted(() => ({
  scanPresets: mock.fn(async (): Promise<ScanPresets | undefined> => undefined),
  saveScanPresets: mock.fn(async (_p: Preset[]): Promise<ScanPresets | undefined> => undefined),
}));
mock.mock("../lib/api/client", async (original) => ({ ...(await original<object>()), ...api }));

const { default: ScanPresetsEditor } = await import("./ScanPresetsEditor.svelte");

describe("ScanPresetsEditor", () => {
  it("shows a Decree 30 problem on its row and saves only a table that passes", async () => {
    api.scanPresets.mockResolvedValueOnce(table());
    render(ScanPresetsEditor);
    const rows = await screen.findAllByTestId("preset-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).queryByTestId("preset-remove")).toBeNull();
    expect(within(rows[0]!).getByText("Lô quét đang dùng mẫu này")).toBeTruthy();
    const save = screen.getByTestId("presets-save") as HTMLButtonElement;
    expect(save.disabled).toBe(false);

    await fireEvent.change(within(rows[0]!).getByTestId("preset-mode"), { target: { value: "gray" } });
    expect(screen.getByTestId("preset-problem").textContent).toBe("Bản sao hợp pháp phải quét màu");
    expect(rows[0]!.classList.contains("invalid")).toBe(true);
    expect(save.disabled).toBe(true);

    await fireEvent.change(within(rows[0]!).getByTestId("preset-mode"), { target: { value: "color" } });
    await fireEvent.input(within(rows[0]!).getByTestId("preset-dpi"), { target: { value: "400" } });
    expect(screen.queryByTestId("preset-problem")).toBeNull();
    const saved = table();
    saved.presets[0]!.dpi = 400;
    saved.origin = "desk";
    api.saveScanPresets.mockResolvedValueOnce(saved);
    await fireEvent.click(save);
    const sent = api.saveScanPresets.mock.calls[0]![0];
    expect(sent[0]).toMatchObject({ id: "cmnd-form", mode: "color", dpi: 400, width_mm: 210, height_mm: 297 });
    expect(sent[1]).toMatchObject({ id: "draft-gray", width_mm: null, height_mm: null });
    expect(await screen.findByTestId("presets-saved")).toBeTruthy();
  });

  it("adds a row that needs only its name, removes a free row, and shows the engine's refusal", async () => {
    api.scanPresets.mockResolvedValueOnce(table());
    render(ScanPresetsEditor);
    await screen.findAllByTestId("preset-row");
    await fireEvent.click(screen.getByTestId("preset-add"));
    let rows = screen.getAllByTestId("preset-row");
    expect(rows).toHaveLength(3);
    expect(screen.getByTestId("preset-problem").textContent).toBe("Chưa có tên");
    await fireEvent.input(within(rows[2]!).getByTestId("preset-name"), { target: { value: "Giấy khai sinh" } });
    expect(screen.queryByTestId("preset-problem")).toBeNull();
    await fireEvent.click(within(rows[1]!).getByTestId("preset-remove"));
    rows = screen.getAllByTestId("preset-row");
    expect(rows.map((r) => (within(r).getByTestId("preset-id") as HTMLInputElement).value)).toEqual(["cmnd-form", "mau-3"]);

    api.saveScanPresets.mockRejectedValueOnce({ code: "presets.write", message: "Không ghi được tệp mẫu quét của máy", message_en: "x" });
    await fireEvent.click(screen.getByTestId("presets-save"));
    await waitFor(() => expect(screen.getByTestId("error-banner").dataset.errorCode).toBe("presets.write"));
  });
});
