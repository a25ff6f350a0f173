#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Identity numbers: generated valid numbers pass and round-trip, every corruption fails
//! with the variant and position that explain it.

use chrono::NaiveDate;
use proptest::prelude::*;
use sohoa_core::identity::{Cmnd, OwnerIdKind, Passport, TaxCode, tax_check_digit};
use sohoa_core::{Catalogs, IdError, Localized, OwnerId, PersonalId, Sex};
use unicode_normalization::is_nfc;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn cat() -> Catalogs {
    Catalogs::try_embedded().unwrap()
}

fn province_codes() -> Vec<String> {
    cat().provinces().map(|p| p.code.clone()).collect()
}

/// (id, province, century digit, year) for births up to `today()`.
fn valid_id() -> impl Strategy<Value = (String, String, u8, i32)> {
    (
        prop::sample::select(province_codes()),
        0u8..4,
        0u32..100,
        0u32..1_000_000,
    )
        .prop_filter_map("birth year after today", |(p, g, yy, tail)| {
            let year = 1900 + 100 * i32::from(g / 2) + yy as i32;
            (year <= 2026).then(|| (format!("{p}{g}{yy:02}{tail:06}"), p, g, year))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_ids_pass_and_round_trip((s, province, g, year) in valid_id()) {
        let c = cat();
        let id = PersonalId::parse_at(&s, &c, today()).unwrap();
        prop_assert_eq!(id.as_str(), s.as_str());
        prop_assert_eq!(id.province_code(), province.as_str());
        prop_assert_eq!(id.sex(), if g % 2 == 0 { Sex::Male } else { Sex::Female });
        prop_assert_eq!(id.birth_year(), year);
        prop_assert_eq!(id.birth_century_start(), if g < 2 { 1900 } else { 2000 });
        prop_assert!(id.check_consistency(None, Some(year), Some(id.sex())).is_ok());
        // Separators as officers type them are tolerated and removed.
        let spaced = format!("{} {}.{} {}", &s[..3], &s[3..6], &s[6..9], &s[9..]);
        prop_assert_eq!(PersonalId::parse_at(&spaced, &c, today()).unwrap(), id.clone());
        // Detection by shape gives the same number.
        let owner = OwnerId::parse_at(&s, &c, today()).unwrap();
        prop_assert_eq!(owner.kind(), OwnerIdKind::PersonalId);
        prop_assert_eq!(owner.master_data_code(), "DC0001");
    }

    #[test]
    fn every_province_corruption_outside_the_table_fails((s, _, _, _) in valid_id()) {
        let c = cat();
        for pos in 0..3 {
            for d in b'0'..=b'9' {
                let mut bytes = s.clone().into_bytes();
                bytes[pos] = d;
                let corrupted = String::from_utf8(bytes).unwrap();
                let code = &corrupted[..3];
                let result = PersonalId::parse_at(&corrupted, &c, today());
                if c.province(code).is_some() {
                    prop_assert!(result.is_ok());
                } else {
                    prop_assert_eq!(result, Err(IdError::UnknownProvince { code: code.to_owned() }));
                }
            }
        }
    }

    #[test]
    fn wrong_length_fails_with_the_digit_count((s, _, _, _) in valid_id(), cut in 1usize..12, extra in "[0-9]{1,5}") {
        let c = cat();
        let short = &s[..12 - cut];
        prop_assert_eq!(
            PersonalId::parse_at(short, &c, today()),
            Err(IdError::BadLength { len: 12 - cut, expected: "12" })
        );
        let long = format!("{s}{extra}");
        prop_assert_eq!(
            PersonalId::parse_at(&long, &c, today()),
            Err(IdError::BadLength { len: 12 + extra.len(), expected: "12" })
        );
    }

    #[test]
    fn a_non_digit_is_reported_at_its_position(
        (s, _, _, _) in valid_id(),
        at in 0usize..=12,
        ch in prop::sample::select(vec!['a', 'O', 'l', '-', '/', ',', '#', 'Đ', '٣', '１']),
    ) {
        let mut chars: Vec<char> = s.chars().collect();
        chars.insert(at, ch);
        let bad: String = chars.into_iter().collect();
        prop_assert_eq!(
            PersonalId::parse_at(&bad, &cat(), today()),
            Err(IdError::BadCharacter { pos: at + 1, ch })
        );
    }

    #[test]
    fn sex_and_year_mismatches_are_separate_errors((s, _, _, year) in valid_id(), delta in 1i32..80) {
        let id = PersonalId::parse_at(&s, &cat(), today()).unwrap();
        let other = if id.sex() == Sex::Male { Sex::Female } else { Sex::Male };
        prop_assert_eq!(
            id.check_consistency(None, None, Some(other)),
            Err(IdError::SexMismatch { id_sex: id.sex(), given: other })
        );
        let date = NaiveDate::from_ymd_opt(year - delta, 3, 1).unwrap();
        prop_assert_eq!(
            id.check_consistency(Some(date), None, Some(id.sex())),
            Err(IdError::BirthYearMismatch { id_year: year, given: year - delta })
        );
        prop_assert_eq!(
            id.check_consistency(None, Some(year + delta), None),
            Err(IdError::BirthYearMismatch { id_year: year, given: year + delta })
        );
        prop_assert_eq!(id.consistency_errors(Some(date), None, Some(other)).len(), 2);
    }

    #[test]
    fn generated_tax_codes_pass(first9 in prop::array::uniform9(0u8..10), branch in 1u32..1000, dash in any::<bool>()) {
        let Some(check) = tax_check_digit(&first9) else {
            // No valid code starts with these nine digits: every 10th digit is rejected.
            for d in 0..10u8 {
                let s: String = first9.iter().chain(std::iter::once(&d)).map(|d| char::from(b'0' + d)).collect();
                prop_assert_eq!(TaxCode::parse(&s), Err(IdError::TaxNoCheckDigit));
            }
            return Ok(());
        };
        let ten: String = first9.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect();
        let parsed = TaxCode::parse(&ten).unwrap();
        prop_assert_eq!(parsed.as_str(), ten.as_str());
        let thirteen = if dash { format!("{ten}-{branch:03}") } else { format!("{ten}{branch:03}") };
        let t = TaxCode::parse(&thirteen).unwrap();
        prop_assert_eq!(t.as_str(), format!("{ten}-{branch:03}"));
        prop_assert_eq!(t.base(), ten.as_str());
        let owner = OwnerId::parse(&thirteen, &cat()).unwrap();
        prop_assert_eq!(owner.kind(), OwnerIdKind::TaxCode);
    }

    #[test]
    fn every_single_digit_substitution_in_a_tax_code_fails(first9 in prop::array::uniform9(0u8..10)) {
        let Some(check) = tax_check_digit(&first9) else { return Ok(()) };
        let digits: Vec<u8> = first9.iter().copied().chain(std::iter::once(check)).collect();
        for pos in 0..10 {
            for d in 0..10u8 {
                if d == digits[pos] {
                    continue;
                }
                let mut changed = digits.clone();
                changed[pos] = d;
                let s: String = changed.iter().map(|d| char::from(b'0' + d)).collect();
                let err = TaxCode::parse(&s).unwrap_err();
                prop_assert!(
                    matches!(err, IdError::TaxCheckDigit { .. } | IdError::TaxNoCheckDigit),
                    "{} accepted after changing position {}", s, pos
                );
            }
        }
    }
}

#[test]
fn known_enterprise_tax_codes_validate() {
    // Public codes of large companies (Viettel, FPT, Vinamilk): an outside check that the
    // weights and the "10 - sum mod 11" rule are the real ones.
    for code in ["0100109106", "0101248141", "0300588569"] {
        assert!(TaxCode::parse(code).is_ok(), "{code}");
    }
    assert_eq!(
        TaxCode::parse("0100109107"),
        Err(IdError::TaxCheckDigit {
            expected: 6,
            found: 7
        })
    );
    assert_eq!(TaxCode::parse("0100109106-000"), Err(IdError::TaxBranchZero));
    assert_eq!(
        TaxCode::parse("0100109106-"),
        Err(IdError::BadLength {
            len: 10,
            expected: "13"
        })
    );
    assert!(matches!(
        TaxCode::parse("01001-09106"),
        Err(IdError::BadCharacter { pos: 6, ch: '-' })
    ));
}

#[test]
fn a_base_whose_check_value_is_ten_is_invalid() {
    // Find nine digits whose weighted sum is a multiple of 11: check = 10 - 0 = 10.
    let first9 = (0u32..)
        .map(|n| {
            let mut a = [0u8; 9];
            let mut m = n;
            for slot in a.iter_mut().rev() {
                *slot = (m % 10) as u8;
                m /= 10;
            }
            a
        })
        .find(|a| tax_check_digit(a).is_none() && a.iter().any(|d| *d != 0))
        .unwrap();
    let weights = [31u32, 29, 23, 19, 17, 13, 7, 5, 3];
    let sum: u32 = first9.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum();
    assert_eq!(sum % 11, 0);
    let code: String = first9.iter().map(|d| char::from(b'0' + d)).chain(['0']).collect();
    assert_eq!(TaxCode::parse(&code), Err(IdError::TaxNoCheckDigit));
}

#[test]
fn centuries_that_have_not_begun_and_future_years_are_rejected() {
    let c = cat();
    for g in 4..=9u8 {
        let s = format!("079{g}90123456");
        assert_eq!(
            PersonalId::parse_at(&s, &c, today()),
            Err(IdError::CenturyNotStarted {
                digit: g,
                century_start: 1900 + 100 * i32::from(g / 2)
            })
        );
    }
    assert_eq!(
        PersonalId::parse_at("079227123456", &c, today()),
        Err(IdError::FutureBirthYear { year: 2027 })
    );
    assert!(PersonalId::parse_at("079226123456", &c, today()).is_ok());
    // The same number becomes valid once its year has come.
    let later = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert!(PersonalId::parse_at("079227123456", &c, later).is_ok());
    // And the 2100s once that century has started.
    let far = NaiveDate::from_ymd_opt(2101, 1, 1).unwrap();
    let id = PersonalId::parse_at("079501123456", &c, far).unwrap();
    assert_eq!(
        (id.birth_century_start(), id.birth_year(), id.sex()),
        (2100, 2101, Sex::Female)
    );
}

#[test]
fn empty_and_unknown_province() {
    let c = cat();
    assert_eq!(PersonalId::parse_at("  . ", &c, today()), Err(IdError::Empty));
    assert_eq!(
        PersonalId::parse_at("003090123456", &c, today()),
        Err(IdError::UnknownProvince { code: "003".into() })
    );
    assert_eq!(OwnerId::parse_at("", &c, today()), Err(IdError::Empty));
}

#[test]
fn cmnd_and_passport_shapes() {
    assert_eq!(Cmnd::parse("012 345 678").unwrap().as_str(), "012345678");
    assert_eq!(
        Cmnd::parse("01234567"),
        Err(IdError::BadLength {
            len: 8,
            expected: "9"
        })
    );
    assert_eq!(Passport::parse("c1234567").unwrap().as_str(), "C1234567");
    assert_eq!(Passport::parse("AB 1234567").unwrap().as_str(), "AB1234567");
    assert_eq!(
        Passport::parse("C123456"),
        Err(IdError::BadPassportShape {
            letters: 1,
            digits: 6
        })
    );
    assert_eq!(
        Passport::parse("ABC1234567"),
        Err(IdError::BadPassportShape {
            letters: 3,
            digits: 7
        })
    );
    assert_eq!(
        Passport::parse("C12345A7"),
        Err(IdError::BadCharacter { pos: 7, ch: 'A' })
    );
}

#[test]
fn owner_id_detects_the_kind_from_the_shape() {
    let c = cat();
    let cases = [
        ("079090123456", OwnerIdKind::PersonalId, "DC0001"),
        ("012345678", OwnerIdKind::Cmnd, "DC0002"),
        ("k1234567", OwnerIdKind::Passport, "DC0003"),
        ("0100109106", OwnerIdKind::TaxCode, "DC0004"),
        ("0100109106001", OwnerIdKind::TaxCode, "DC0004"),
    ];
    for (s, kind, dc) in cases {
        let id = OwnerId::parse_at(s, &c, today()).unwrap();
        assert_eq!((id.kind(), id.master_data_code()), (kind, dc), "{s}");
        assert_eq!(c.master_data(dc).unwrap().code, dc);
        // Stored form round-trips without needing the catalogue.
        let json = serde_json::to_string(&id).unwrap();
        assert!(
            json.contains(&format!("\"kind\":\"{}\"", kind.as_str())),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<OwnerId>(&json).unwrap(), id);
    }
    assert_eq!(
        OwnerId::parse_at("12345678901", &c, today()),
        Err(IdError::BadLength {
            len: 11,
            expected: "9/10/12/13"
        })
    );
    assert_eq!(
        OwnerId::parse_at("0790O0123456", &c, today()),
        Err(IdError::BadCharacter { pos: 5, ch: 'O' })
    );
    // A stored value of the wrong shape is refused on load.
    assert!(serde_json::from_str::<OwnerId>(r#"{"kind":"cmnd","value":"12"}"#).is_err());
}

#[test]
fn debug_output_never_shows_the_full_number() {
    let id = OwnerId::parse_at("079090123456", &cat(), today()).unwrap();
    let dbg = format!("{id:?}");
    assert!(!dbg.contains("079090123456"), "{dbg}");
    assert!(dbg.contains("079*******56"), "{dbg}");
    assert_eq!(id.to_string(), "079090123456");
    assert_eq!(id.masked(), "079*******56");
}

#[test]
fn sex_parsing_is_tolerant() {
    for s in ["Nam", "nam", "NAM", "M", "m", "male", " Male "] {
        assert_eq!(Sex::parse(s).unwrap(), Sex::Male, "{s}");
    }
    for s in ["Nữ", "nữ", "NỮ", "Nu", "nu", "Nu\u{303}", "F", "female"] {
        assert_eq!(Sex::parse(s).unwrap(), Sex::Female, "{s}");
    }
    assert_eq!(Sex::parse("x"), Err(IdError::BadSex));
    assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"nu\"");
    assert_eq!(serde_json::from_str::<Sex>("\"nam\"").unwrap(), Sex::Male);
}

#[test]
fn every_id_error_has_a_distinct_code_and_an_nfc_vietnamese_message() {
    let all = [
        IdError::Empty,
        IdError::BadCharacter { pos: 3, ch: 'x' },
        IdError::BadLength {
            len: 11,
            expected: "12",
        },
        IdError::UnknownProvince { code: "003".into() },
        IdError::CenturyNotStarted {
            digit: 4,
            century_start: 2100,
        },
        IdError::FutureBirthYear { year: 2030 },
        IdError::BirthYearMismatch {
            id_year: 1990,
            given: 1991,
        },
        IdError::SexMismatch {
            id_sex: Sex::Male,
            given: Sex::Female,
        },
        IdError::TaxCheckDigit {
            expected: 6,
            found: 7,
        },
        IdError::TaxNoCheckDigit,
        IdError::TaxBranchZero,
        IdError::BadPassportShape {
            letters: 0,
            digits: 7,
        },
        IdError::BadSex,
        IdError::UnrecognizedShape,
    ];
    let mut codes: Vec<_> = all.iter().map(Localized::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    for e in &all {
        let vi = e.message_vi();
        assert!(is_nfc(&vi) && !vi.is_empty(), "{vi}");
        assert!(!e.to_string().is_empty());
    }
    assert!(
        IdError::SexMismatch {
            id_sex: Sex::Male,
            given: Sex::Female
        }
        .message_vi()
        .contains("Nữ")
    );
}
