import { describe, expect, it } from "vitest";
import type { DossierChecklist } from "./api/types";
import { extraRow, holdsSignedCopy, intakeBlocker, missingRequired, papersAsFound, rowsFor, sheetCheck, sheetsProblem, toIntake } from "./intake";
import { detail } from "../test/records";

const dktt: DossierChecklist = {
  procedure: "BCA-CT-DKTT",
  name_vi: "Đăng ký thường trú",
  name_en: "Permanent residence registration",
  domain: "residence",
  results_only: false,
  source: "Luật Cư trú 2020, Điều 21",
  papers: [
    { slot: 1, name_vi: "Tờ khai", name_en: "Declaration", required: true, result: false, doc_types: [{ code: "CT01", name_vi: "Tờ khai", name_en: "Declaration" }] },
    {
      slot: 2,
      name_vi: "Chỗ ở hợp pháp",
      name_en: "Lawful residence",
      required: true,
      result: false,
      doc_types: [
        { code: "CT-GCN-NHADAT", name_vi: "GCN", name_en: "Certificate" },
        { code: "CT-HD-THUE", name_vi: "Hợp đồng", name_en: "Lease" },
      ],
    },
    { slot: 3, name_vi: "Kết quả", name_en: "Result", required: false, result: true, doc_types: [{ code: "KQ-CT-TB", name_vi: "TB", name_en: "Notice" }] },
  ],
};

describe("the reception checklist", () => {
  it("starts with the required papers handed in and the rest not", () => {
    const rows = rowsFor(dktt);
    expect(rows.map((r) => [r.status, r.docType])).toEqual([
      ["paper", "CT01"],
      ["paper", "CT-GCN-NHADAT"],
      ["missing", "KQ-CT-TB"],
    ]);
    expect(intakeBlocker(rows)).toBeNull();
  });

  it("names a required paper that is missing, and accepts one held electronically", () => {
    const rows = rowsFor(dktt);
    rows[1]!.status = "missing";
    expect(missingRequired(rows)).toEqual(["Chỗ ở hợp pháp"]);
    expect(missingRequired(rows, "en")).toEqual(["Lawful residence"]);
    expect(intakeBlocker(rows)).toBe("missing");
    rows[1]!.status = "electronic";
    expect(intakeBlocker(rows)).toBeNull();
    rows[0]!.status = "electronic";
    expect(intakeBlocker(rows)).toBe("nothing");
  });

  it("checks counted sheets and the name of an added paper", () => {
    expect(sheetsProblem("")).toBeNull();
    expect(sheetsProblem(" 3 ")).toBeNull();
    expect(sheetsProblem("3a")).toBe("format");
    expect(sheetsProblem("0")).toBe("range");
    expect(sheetsProblem("1001")).toBe("range");
    const rows = [...rowsFor(dktt), extraRow("KHAC")];
    expect(intakeBlocker(rows)).toBe("name");
    rows[3]!.name = "Giấy báo tử";
    rows[0]!.sheets = "x";
    expect(intakeBlocker(rows)).toBe("sheets");
  });

  it("sends every listed paper and only added papers handed in", () => {
    const rows = [...rowsFor(dktt), extraRow("KHAC"), extraRow("KHAC")];
    rows[0]!.sheets = "2";
    rows[1]!.docType = "CT-HD-THUE";
    rows[3]!.name = "  Giấy báo tử ";
    rows[4]!.status = "missing";
    const intake = toIntake("036090004567", " ", "BCA-CT-DKTT", rows);
    expect(intake.owner_name).toBeNull();
    expect(intake.papers).toEqual([
      { slot: 1, doc_type: "CT01", status: "paper", sheets: 2, name: null },
      { slot: 2, doc_type: "CT-HD-THUE", status: "paper", sheets: null, name: null },
      { slot: 3, doc_type: "KQ-CT-TB", status: "missing", sheets: null, name: null },
      { slot: null, doc_type: "KHAC", status: "paper", sheets: null, name: "Giấy báo tử" },
    ]);
  });

  it("compares scanned pages with counted sheets, one or two pages a sheet", () => {
    expect(sheetCheck(null, 4)).toBe("unknown");
    expect(sheetCheck(3, 2)).toBe("short");
    expect(sheetCheck(3, 3)).toBe("ok");
    expect(sheetCheck(3, 6)).toBe("ok");
    expect(sheetCheck(3, 7)).toBe("over");
  });
});

describe("a dossier opened again", () => {
  it("starts from each paper's pages and signature as the engine found them", () => {
    const paper = (id: string, pages: number, signed: boolean) => ({
      slot: null,
      ordinal: 1,
      doc_type: "CT01",
      name: id,
      sheets: 1,
      pages,
      signed,
      record: { ...detail(), summary: { ...detail().summary, id } },
    });
    const found = papersAsFound({ dossier_no: "HS-20261122-101500", procedure: "BCA-CT-DKTT", electronic: [3], records: [paper("a", 2, true), paper("b", 0, false)] });
    expect(found.pages).toEqual({ a: 2, b: 0 });
    expect([...found.signed]).toEqual(["a"]);
  });

  it("knows a version is signed by its signed copy, not by a PDF's name", () => {
    const files = detail().versions[0]!.files;
    expect(holdsSignedCopy(files)).toBe(false);
    expect(holdsSignedCopy([...files, { ...files[0]!, name: "ban-sao-y.pdf", media_type: "application/pdf", signed_copy: true }])).toBe(true);
    expect(holdsSignedCopy(undefined)).toBe(false);
  });
});
