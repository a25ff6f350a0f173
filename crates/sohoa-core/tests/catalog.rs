#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Catalogue loading against real files in a temporary directory.

use std::fs;

use sohoa_core::catalog::{
    CatalogError, Catalogs, DOCUMENT_TYPES_FILE, FILES, MASTER_DATA_FILE, PROCEDURES_FILE, PROVINCES_FILE,
};
use sohoa_core::{Localized, RecordKind};
use unicode_normalization::is_nfc;

#[test]
fn embedded_catalogues_parse() {
    let cat = Catalogs::try_embedded().expect("embedded catalogues must parse");
    assert_eq!(cat.provinces().count(), 63);
    assert_eq!(cat.province("079").unwrap().name, "Hồ Chí Minh");
    assert_eq!(cat.province("094").unwrap().name, "Sóc Trăng");
    assert!(cat.province("003").is_none());
    assert!(
        cat.document_type("ct01").is_some(),
        "lookups are case-insensitive"
    );
    assert!(cat.document_type("CC01").unwrap().allows(RecordKind::IdCard));
    assert!(
        !cat.document_type("KQ-CONDAU")
            .unwrap()
            .allows(RecordKind::Residence)
    );
    assert_eq!(
        cat.master_data("DC0001").unwrap().name_en,
        "Personal identification number (CCCD)"
    );
    assert_eq!(cat.master_data_entries().count(), 18);
    for p in cat.procedures() {
        assert!(cat.document_type(&p.result_doc_type).is_some(), "{}", p.code);
    }
    assert!(cat.sources().iter().all(|s| s.origin.starts_with("embedded:")));
    // The infallible constructor gives the same tables.
    assert_eq!(Catalogs::embedded().provinces().count(), 63);
}

#[test]
fn every_kind_has_document_types_and_names_are_nfc() {
    let cat = Catalogs::embedded();
    for kind in RecordKind::ALL {
        assert!(cat.document_types_for(kind).count() > 0, "{kind}");
    }
    for d in cat.document_types() {
        assert!(is_nfc(&d.name_vi), "{}", d.code);
    }
    for p in cat.provinces() {
        assert!(is_nfc(&p.name), "{}", p.code);
    }
    // Seed-named documents are present.
    for code in [
        "CT01",
        "HK01",
        "HK02",
        "CMND-TK",
        "CC01",
        "CT07",
        "CT-GCN-NHADAT",
        "CT-HD-THUE",
    ] {
        assert!(cat.document_type(code).is_some(), "{code}");
    }
}

#[test]
fn directory_file_overrides_only_that_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(PROVINCES_FILE),
        "[[province]]\ncode = \"079\"\nname = \"Thành phố Hồ Chí Minh\"\n\n[[province]]\ncode = \"999\"\nname = \"Thử nghiệm\"\n",
    )
    .unwrap();
    let cat = Catalogs::load_dir(dir.path()).unwrap();
    assert_eq!(cat.provinces().count(), 2);
    assert_eq!(cat.province("079").unwrap().name, "Thành phố Hồ Chí Minh");
    assert!(
        cat.province("001").is_none(),
        "the directory file replaces the embedded one"
    );
    // The other three came from the embedded copy.
    assert!(cat.document_type("CT01").is_some());
    let origins: Vec<_> = cat.sources().iter().map(|s| (s.file, s.origin.clone())).collect();
    assert!(origins[0].1.ends_with(PROVINCES_FILE) && !origins[0].1.starts_with("embedded:"));
    assert!(origins[1..].iter().all(|(_, o)| o.starts_with("embedded:")));
}

#[test]
fn names_in_a_directory_file_are_normalised_to_nfc() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(PROVINCES_FILE),
        "[[province]]\ncode = \"001\"\nname = \"  Ha\u{0300}   No\u{0323}\u{0302}i \"\n",
    )
    .unwrap();
    let cat = Catalogs::load_dir(dir.path()).unwrap();
    assert_eq!(cat.province("001").unwrap().name, "Hà Nội");
}

fn load_err(file: &str, text: &str) -> CatalogError {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(file), text).unwrap();
    Catalogs::load_dir(dir.path()).unwrap_err()
}

#[test]
fn syntax_error_names_file_and_line() {
    let err = load_err(
        PROVINCES_FILE,
        "# comment\n[[province]]\ncode = \"001\"\nname = \"Hà Nội\n",
    );
    match &err {
        CatalogError::Syntax { file, line, .. } => {
            assert!(file.ends_with(PROVINCES_FILE), "{file}");
            assert_eq!(*line, 4);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("provinces.toml:4"), "{err}");
    assert_eq!(err.code(), "catalog.syntax");
    assert!(err.message_vi().contains("dòng 4"));
}

#[test]
fn unknown_field_is_a_syntax_error_on_its_line() {
    let err = load_err(
        MASTER_DATA_FILE,
        "[[master_data]]\ncode = \"DC0001\"\nname_vi = \"A\"\nname_en = \"A\"\n\n[[master_data]]\ncode = \"DC0002\"\nnmae_vi = \"B\"\nname_en = \"B\"\n",
    );
    match err {
        CatalogError::Syntax { line, message, .. } => {
            assert!((6..=8).contains(&line), "line {line}");
            assert!(message.contains("nmae_vi"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn duplicate_code_is_rejected_with_both_lines() {
    let err = load_err(
        PROVINCES_FILE,
        "[[province]]\ncode = \"001\"\nname = \"Hà Nội\"\n\n[[province]]\ncode = \"001\"\nname = \"Hà Nội 2\"\n",
    );
    match err {
        CatalogError::Duplicate {
            file,
            line,
            code,
            first_line,
        } => {
            assert!(file.ends_with(PROVINCES_FILE));
            assert_eq!(code, "001");
            assert_eq!(first_line, 1);
            assert_eq!(line, 5);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn empty_name_bad_code_and_unknown_kind_are_rejected() {
    let err = load_err(PROVINCES_FILE, "[[province]]\ncode = \"001\"\nname = \"  \"\n");
    assert!(
        matches!(
            err,
            CatalogError::EmptyName {
                line: 1,
                field: "name",
                ..
            }
        ),
        "{err:?}"
    );

    let err = load_err(PROVINCES_FILE, "[[province]]\ncode = \"01\"\nname = \"Hà Nội\"\n");
    assert!(matches!(err, CatalogError::BadCode { .. }), "{err:?}");

    let err = load_err(
        DOCUMENT_TYPES_FILE,
        "[[document_type]]\ncode = \"CT01\"\nname_vi = \"Tờ khai\"\nname_en = \"Form\"\ngroup = \"residence\"\nkinds = [\"residence\", \"household\"]\n",
    );
    match err {
        CatalogError::UnknownKind { code, kind, line, .. } => {
            assert_eq!((code.as_str(), kind.as_str(), line), ("CT01", "household", 1));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn procedure_result_type_must_exist() {
    let err = load_err(
        PROCEDURES_FILE,
        "[[procedure]]\ncode = \"BCA-X\"\nofficial = false\nname_vi = \"Thử\"\nname_en = \"Test\"\ndomain = \"residence\"\nresult_doc_type = \"NOPE\"\n",
    );
    match err {
        CatalogError::UnknownReference { code, target, .. } => {
            assert_eq!(code, "BCA-X");
            assert_eq!(target, "NOPE");
        }
        other => panic!("unexpected {other:?}"),
    }
    // An official-looking code must really have the national shape.
    let err = load_err(
        PROCEDURES_FILE,
        "[[procedure]]\ncode = \"BCA-X\"\nofficial = true\nname_vi = \"Thử\"\nname_en = \"Test\"\ndomain = \"residence\"\nresult_doc_type = \"CT07\"\n",
    );
    assert!(matches!(err, CatalogError::BadCode { .. }), "{err:?}");
}

#[test]
fn residence_procedures_list_their_papers_and_results_only_ones_none() {
    let cat = Catalogs::embedded();
    let dktt = cat.procedure("BCA-CT-DKTT").unwrap();
    assert!(dktt.papers_source.as_deref().unwrap().contains("Điều 21"));
    let required: Vec<&str> = dktt
        .papers
        .iter()
        .filter(|p| p.required)
        .map(|p| p.doc_types[0].as_str())
        .collect();
    assert_eq!(required, ["CT01", "CT-GCN-NHADAT"]);
    // A paper named by its type takes the type's name; the proof of residence accepts three types.
    assert_eq!(dktt.papers[0].name_vi, "Tờ khai thay đổi thông tin cư trú");
    assert_eq!(dktt.papers[1].doc_types.len(), 3);
    assert!(!dktt.papers[2].required);
    for p in cat.procedures() {
        if p.results_only {
            assert!(p.papers.is_empty(), "{}", p.code);
        }
        assert_eq!(p.papers.is_empty(), p.papers_source.is_none(), "{}", p.code);
        for paper in &p.papers {
            assert!(is_nfc(&paper.name_vi), "{}", p.code);
            for t in &paper.doc_types {
                assert!(cat.document_type(t).unwrap().allows(RecordKind::Result), "{t}");
            }
        }
    }
}

#[test]
fn papers_must_be_result_types_and_never_on_a_results_only_procedure() {
    let head = "[[procedure]]\ncode = \"BCA-X\"\nofficial = false\nname_vi = \"Thử\"\nname_en = \"Test\"\ndomain = \"residence\"\nresult_doc_type = \"CT07\"\n";
    let err = load_err(
        PROCEDURES_FILE,
        &format!("{head}[[procedure.paper]]\ndoc_types = [\"HK03\"]\nrequired = true\n"),
    );
    match &err {
        CatalogError::PaperNotResult {
            code, doc_type, line, ..
        } => {
            assert_eq!((code.as_str(), doc_type.as_str(), *line), ("BCA-X", "HK03", 1));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.code(), "catalog.paper_not_result");
    let err = load_err(
        PROCEDURES_FILE,
        &format!("{head}[[procedure.paper]]\ndoc_types = [\"NOPE\"]\nrequired = true\n"),
    );
    assert!(
        matches!(
            &err,
            CatalogError::UnknownReference {
                field: "paper.doc_types",
                ..
            }
        ),
        "{err:?}"
    );
    let err = load_err(
        PROCEDURES_FILE,
        &format!("{head}[[procedure.paper]]\ndoc_types = []\nrequired = true\n"),
    );
    assert!(
        matches!(
            &err,
            CatalogError::EmptyName {
                field: "paper.doc_types",
                ..
            }
        ),
        "{err:?}"
    );
    let err = load_err(
        PROCEDURES_FILE,
        &format!(
            "{}results_only = true\n[[procedure.paper]]\ndoc_types = [\"CT01\"]\nrequired = true\n",
            head.replace("CT07", "KQ-CONDAU")
        ),
    );
    assert!(
        matches!(&err, CatalogError::PapersOfResultsOnly { .. }),
        "{err:?}"
    );
    assert!(
        err.message_vi().contains("chỉ số hóa kết quả"),
        "{}",
        err.message_vi()
    );
}

#[test]
fn missing_directory_and_empty_file_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    assert!(matches!(
        Catalogs::load_dir(&missing),
        Err(CatalogError::NotADirectory { .. })
    ));
    let err = load_err(PROVINCES_FILE, "# nothing yet\n");
    assert!(matches!(err, CatalogError::NoEntries { .. }), "{err:?}");
}

#[test]
fn embedded_text_is_what_an_empty_directory_loads() {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        fs::write(dir.path().join(f), Catalogs::embedded_text(f).unwrap()).unwrap();
    }
    let from_dir = Catalogs::load_dir(dir.path()).unwrap();
    let embedded = Catalogs::embedded();
    assert_eq!(
        from_dir.document_types().collect::<Vec<_>>(),
        embedded.document_types().collect::<Vec<_>>()
    );
}
