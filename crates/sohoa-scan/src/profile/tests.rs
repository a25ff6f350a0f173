use super::*;

#[test]
fn builtin_presets_load_and_obey_decree30() {
    let p = Profiles::builtin().unwrap();
    let cccd = p.preset("cccd-card").unwrap();
    assert_eq!(
        (cccd.dpi, cccd.mode, cccd.source),
        (300, ColorMode::Color, Source::Flatbed)
    );
    let area = cccd.settings().area.unwrap();
    assert!((area.width_mm - 85.6).abs() < 1e-9);
    let cmnd = p.preset("cmnd-form").unwrap();
    assert_eq!((cmnd.dpi, cmnd.source), (300, Source::AdfDuplex));
    let res = p.preset("residence-dossier").unwrap();
    assert_eq!(
        (res.dpi, res.mode, res.source),
        (200, ColorMode::Color, Source::AdfDuplex)
    );
    assert!(matches!(p.preset("nope"), Err(ProfileError::UnknownPreset(_))));
    let fujitsu = p.source_names("FUJITSU", "fi-7160");
    assert_eq!(fujitsu.adf.first().map(String::as_str), Some("ADF Front"));
    assert_eq!(p.quirk("fujitsu", "fi-7160").unwrap().resolutions.len(), 6);
}

fn one(text: &str) -> Result<Profiles, ProfileError> {
    let mut p = Profiles::default();
    p.add(text, "test.toml")?;
    Ok(p)
}

#[test]
fn legal_copy_presets_breaking_decree30_are_refused_with_a_reason() {
    let base = |mode: &str, dpi: u32, scale: u32| {
        format!(
            "[[preset]]\nid = \"x\"\nname_vi = \"x\"\nsource = \"adf\"\nmode = \"{mode}\"\ndpi = {dpi}\nscale_percent = {scale}\n"
        )
    };
    let err = one(&base("gray", 300, 100)).unwrap_err();
    assert_eq!(
        err,
        ProfileError::Decree30 {
            preset: "x".into(),
            reason: Decree30Reason::NotColour
        }
    );
    assert_eq!(err.code(), "profile.decree30_not_colour");
    assert!(err.message_vi().contains("màu"));
    let err = one(&base("color", 150, 100)).unwrap_err();
    assert!(matches!(
        err,
        ProfileError::Decree30 {
            reason: Decree30Reason::ResolutionTooLow(150),
            ..
        }
    ));
    let err = one(&base("color", 300, 50)).unwrap_err();
    assert!(matches!(
        err,
        ProfileError::Decree30 {
            reason: Decree30Reason::NotFullScale(50),
            ..
        }
    ));
    assert!(one(&base("color", 200, 100)).is_ok());
    // A working copy that is not the legal copy may be grey.
    assert!(one(&format!("{}legal_copy = false\n", base("gray", 100, 100))).is_ok());
    assert!(matches!(
        one("[[preset]]\nid = 3\n"),
        Err(ProfileError::Parse { .. })
    ));
}
