#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use sohoa_pdf::{DocumentMeta, WriteOptions, lint, write_pdfa};

fn meta() -> DocumentMeta {
    DocumentMeta {
        title: "Giấy chứng nhận đăng ký thường trú".into(),
        description: Some("Sao y bản chính".into()),
        creator: Some("Công an xã Hòa Bình".into()),
        record_id: Some("01JTEST".into()),
        record: vec![
            ("owner_id".into(), "001099012345".into()),
            ("doc_type_code".into(), "KQ.CT.01".into()),
        ],
        lang: Some("vi-VN".into()),
    }
}

#[test]
fn pdfa_structure_text_layer_and_scale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    let (w, h) = (1240u32, 1754u32); // A5-ish at 300 dpi... A4 width/2 x A4 height/2 scaled
    let bytes = write_pdfa(&[page(w, h), page(w, h)], &meta(), &WriteOptions::default()).unwrap();
    std::fs::write(&path, &bytes).unwrap();

    let report = lint::lint(&bytes);
    assert!(report.ok(), "lint: {:?}", report.violations);
    qpdf_check(&path);
    pikepdf_check(&path);

    // 100 % scale: page size = pixels / dpi * 72.
    let (ok, info) = run("pdfinfo", &[path.to_str().unwrap()]);
    assert!(ok, "{info}");
    let expect = format!(
        "{} x {} pts",
        (w as f64 * 72.0 / 300.0),
        (h as f64 * 72.0 / 300.0)
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Page size:") && l.contains(&expect)),
        "{info}\nexpected {expect}"
    );

    // Vietnamese copies out exactly (ToUnicode), in reading order, at the word's place.
    let (ok, text) = run(
        "pdftotext",
        &["-f", "1", "-l", "1", "-layout", path.to_str().unwrap(), "-"],
    );
    assert!(ok);
    for word in ["CỘNG", "HÒA", "NGHĨA", "VIỆT", "Độc", "Hạnh", "phúc"] {
        assert!(text.contains(word), "{word} missing from text layer:\n{text}");
    }
    let (ok, bbox) = run(
        "pdftotext",
        &["-f", "1", "-l", "1", "-bbox", path.to_str().unwrap(), "-"],
    );
    assert!(ok);
    // "CỘNG" box is [120,150,270,178] px → x 28.8 pt, y 36 pt (top) at 300 dpi.
    let line = bbox
        .lines()
        .find(|l| l.contains(">CỘNG<"))
        .expect("word in bbox output");
    let num = |key: &str| -> f64 {
        let s = line.split(&format!("{key}=\"")).nth(1).unwrap();
        s[..s.find('"').unwrap()].parse().unwrap()
    };
    assert!((num("xMin") - 28.8).abs() < 1.5, "{line}");
    assert!((num("xMax") - 60.0).abs() < 2.5, "{line}");
    assert!((num("yMin") - 36.0).abs() < 6.0, "{line}");

    // Record metadata in the custom schema, declared through the extension schema.
    let (ok, xmp) = run("pdfinfo", &["-meta", path.to_str().unwrap()]);
    assert!(ok);
    assert!(
        xmp.contains("<sohoa:owner_id>001099012345</sohoa:owner_id>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdfaProperty:name>owner_id</pdfaProperty:name>"));
}

#[test]
fn mrc_keeps_text_black_seal_red_and_paper_light() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.pdf");
    let img = synthetic_page(1240, 1754);
    let input = sohoa_pdf::PageInput {
        image: img.clone(),
        dpi: 300.0,
        words: vec![],
    };
    let bytes = write_pdfa(&[input], &meta(), &WriteOptions::default()).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    if let Ok(keep) = std::env::var("SOHOA_KEEP_PDF") {
        std::fs::write(keep, &bytes).unwrap();
        img.save("/tmp/mrc_orig.png").unwrap();
    }
    let raw = (img.width() * img.height() * 3) as usize;
    assert!(
        bytes.len() * 40 < raw,
        "MRC output {} B is not small vs raw {raw} B",
        bytes.len()
    );
    let prefix = dir.path().join("r");
    let (ok, out) = run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    let rendered = image::open(dir.path().join("r.png")).unwrap().to_rgb8();
    assert_eq!(rendered.dimensions(), img.dimensions());
    let (mut bad, mut n) = (0u32, 0u32);
    let mut per_class = std::collections::BTreeMap::new();
    let class = |p: [u8; 3]| match p {
        [25, 25, 30] => 0,
        [205, 32, 38] => 1,
        [30, 50, 170] => 2,
        _ => 3,
    };
    // Renderers place a 1240.0001-px-wide image with sub-pixel smoothing, so the pixel on each side of an
    // edge may be mixed: judge the pixels whose neighbours share their class (the ink and paper proper).
    let (w, h) = img.dimensions();
    for (x, y, p) in img.enumerate_pixels() {
        if x == 0 || y == 0 || x + 1 >= w || y + 1 >= h {
            continue;
        }
        let c = class(p.0);
        if [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
            .iter()
            .any(|&(a, b)| class(img.get_pixel(a, b).0) != c)
        {
            continue;
        }
        let r = rendered.get_pixel(x, y).0;
        let class_ok = match c {
            0 => r.iter().all(|&c| c < 90),
            1 => r[0] > 150 && r[1] < 90 && r[2] < 90,
            2 => r[2] > 120 && r[0] < 90,
            _ => r.iter().all(|&c| c > 200),
        };
        n += 1;
        if !class_ok {
            bad += 1;
            *per_class.entry(format!("{:?}", p.0)).or_insert(0u32) += 1;
        }
    }
    let rate = f64::from(bad) / f64::from(n);
    assert!(
        rate < 0.002,
        "{bad} of {n} pixels changed class ({rate:.4}): {per_class:?}"
    );
}

#[test]
fn lint_flags_missing_pdfa_parts() {
    let mut doc = lopdf::Document::with_version("1.7");
    let pages = doc.new_object_id();
    let page = doc.add_object(lopdf::dictionary! {"Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()]});
    doc.objects.insert(
        pages,
        lopdf::Object::Dictionary(
            lopdf::dictionary! {"Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1},
        ),
    );
    let cat = doc.add_object(lopdf::dictionary! {"Type" => "Catalog", "Pages" => pages, "OpenAction" => lopdf::dictionary!{"S" => "JavaScript", "JS" => lopdf::Object::string_literal("app.alert(1)")}});
    doc.trailer.set("Root", cat);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let report = lint::lint(&bytes);
    let rules: Vec<&str> = report.violations.iter().map(|v| v.rule).collect();
    for expected in ["6.1.3", "6.2.3", "6.5", "6.6.2.1"] {
        assert!(
            rules.contains(&expected),
            "expected {expected} in {:?}",
            report.violations
        );
    }
}
