//! Typed access to SANE options.
//!
//! SANE_Fixed is 16.16 fixed point: 300 dpi is the word 300 × 65536. Writing the integer 300 into a Fixed
//! option (what the `sane-scan` crate lets through) asks for 0.0046 dpi; every value here is converted by
//! the option's declared type, and a value of the wrong type or outside the constraint is refused before
//! it reaches the backend.

use super::ffi::{self, Constraint, Handle, Lib, RawOption, Word};
use super::status::to_error;
use crate::{OptionDescriptor, OptionKind, OptionValue, ScanError, SetOutcome};

const FIXED_ONE: f64 = 65536.0;

pub fn fixed_to_f64(w: Word) -> f64 {
    f64::from(w) / FIXED_ONE
}

pub fn f64_to_fixed(v: f64) -> Option<Word> {
    let scaled = (v * FIXED_ONE).round();
    (v.is_finite() && scaled >= f64::from(Word::MIN) && scaled <= f64::from(Word::MAX))
        .then_some(scaled as Word)
}

/// Every option of an open device (option 0, the count, excluded), freshly read.
pub fn all(lib: &Lib, h: Handle) -> Vec<RawOption> {
    let mut out = Vec::new();
    let mut n = 1;
    while let Some(opt) = lib.option(h, n) {
        out.push(opt);
        n += 1;
        if n > 4096 {
            break;
        }
    }
    out
}

/// The active option called `name`, if the device has one.
pub fn find(lib: &Lib, h: Handle, name: &str) -> Option<RawOption> {
    all(lib, h)
        .into_iter()
        .find(|o| o.name == name && o.value_type != ffi::TYPE_GROUP && o.active())
}

fn unit(u: i32) -> &'static str {
    match u {
        1 => "px",
        2 => "bit",
        3 => "mm",
        4 => "dpi",
        5 => "%",
        6 => "us",
        _ => "",
    }
}

fn nonzero(v: Word) -> Option<Word> {
    (v != 0).then_some(v)
}

/// How the option is typed and constrained, for the option editor and for `set` below.
pub fn kind(o: &RawOption) -> Option<OptionKind> {
    Some(match o.value_type {
        ffi::TYPE_BOOL => OptionKind::Bool,
        ffi::TYPE_INT => match &o.constraint {
            Constraint::Range { min, max, quant } => OptionKind::Int {
                min: Some(*min),
                max: Some(*max),
                step: nonzero(*quant),
                list: Vec::new(),
            },
            Constraint::Words(list) => OptionKind::Int {
                min: None,
                max: None,
                step: None,
                list: list.clone(),
            },
            _ => OptionKind::Int {
                min: None,
                max: None,
                step: None,
                list: Vec::new(),
            },
        },
        ffi::TYPE_FIXED => match &o.constraint {
            Constraint::Range { min, max, quant } => OptionKind::Fixed {
                min: Some(fixed_to_f64(*min)),
                max: Some(fixed_to_f64(*max)),
                step: nonzero(*quant).map(fixed_to_f64),
                list: Vec::new(),
            },
            Constraint::Words(list) => OptionKind::Fixed {
                min: None,
                max: None,
                step: None,
                list: list.iter().copied().map(fixed_to_f64).collect(),
            },
            _ => OptionKind::Fixed {
                min: None,
                max: None,
                step: None,
                list: Vec::new(),
            },
        },
        ffi::TYPE_STRING => OptionKind::String {
            choices: match &o.constraint {
                Constraint::Strings(s) => s.clone(),
                _ => Vec::new(),
            },
        },
        ffi::TYPE_BUTTON => OptionKind::Button,
        _ => return None,
    })
}

pub fn descriptor(o: &RawOption) -> Option<OptionDescriptor> {
    if !o.active() || o.name.is_empty() {
        return None;
    }
    Some(OptionDescriptor {
        name: o.name.clone(),
        title: o.title.clone(),
        kind: kind(o)?,
        unit: unit(o.unit).to_owned(),
        settable: o.settable(),
    })
}

fn buffer(o: &RawOption) -> Vec<Word> {
    let bytes = usize::try_from(o.size).unwrap_or(0).max(4);
    vec![0; bytes.div_ceil(4)]
}

fn words_to_string(buf: &[Word]) -> String {
    let bytes: Vec<u8> = buf.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn string_to_words(s: &str, buf: &mut [Word]) {
    let mut bytes = s.as_bytes().to_vec();
    bytes.resize(buf.len() * 4, 0);
    for (w, chunk) in buf.iter_mut().zip(bytes.chunks_exact(4)) {
        *w = Word::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
}

/// The option's current value (the first element for word arrays such as gamma tables).
pub fn get(lib: &Lib, h: Handle, o: &RawOption) -> Result<OptionValue, ScanError> {
    let mut buf = buffer(o);
    let (status, _) = lib.control(h, o.index, ffi::ACTION_GET_VALUE, &mut buf);
    if status != ffi::STATUS_GOOD {
        return Err(to_error(status, &format!("get option {}", o.name)));
    }
    let first = buf.first().copied().unwrap_or(0);
    Ok(match o.value_type {
        ffi::TYPE_BOOL => OptionValue::Bool(first != 0),
        ffi::TYPE_INT => OptionValue::Int(first),
        ffi::TYPE_FIXED => OptionValue::Fixed(fixed_to_f64(first)),
        ffi::TYPE_STRING => OptionValue::String(words_to_string(&buf)),
        _ => return Err(invalid(&o.name, "this option has no value")),
    })
}

fn invalid(name: &str, reason: impl Into<String>) -> ScanError {
    ScanError::InvalidOption {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// Checks `value` against the option's type and constraint and encodes it as SANE words.
pub fn encode(o: &RawOption, value: &OptionValue) -> Result<Vec<Word>, ScanError> {
    let name = o.name.as_str();
    let mut buf = buffer(o);
    let scalar = matches!(o.value_type, ffi::TYPE_BOOL | ffi::TYPE_INT | ffi::TYPE_FIXED);
    if scalar && o.size > 4 {
        return Err(ScanError::Unsupported(format!("array option {name}")));
    }
    let word = match (o.value_type, value) {
        (ffi::TYPE_BOOL, OptionValue::Bool(b)) => Word::from(*b),
        (ffi::TYPE_BUTTON, OptionValue::Bool(true)) => 0,
        (ffi::TYPE_INT, OptionValue::Int(i)) => *i,
        (ffi::TYPE_INT, OptionValue::Fixed(f)) if f.fract() == 0.0 && f.abs() <= f64::from(Word::MAX) => {
            *f as Word
        }
        (ffi::TYPE_FIXED, OptionValue::Fixed(f)) => {
            f64_to_fixed(*f).ok_or_else(|| invalid(name, format!("{f} does not fit SANE_Fixed")))?
        }
        (ffi::TYPE_FIXED, OptionValue::Int(i)) => f64_to_fixed(f64::from(*i))
            .ok_or_else(|| invalid(name, format!("{i} does not fit SANE_Fixed")))?,
        (ffi::TYPE_STRING, OptionValue::String(s)) => {
            let chosen = match &o.constraint {
                Constraint::Strings(choices) => choices
                    .iter()
                    .find(|c| *c == s)
                    .or_else(|| choices.iter().find(|c| c.eq_ignore_ascii_case(s)))
                    .cloned()
                    .ok_or_else(|| invalid(name, format!("'{s}' is not one of: {}", choices.join(", "))))?,
                _ => s.clone(),
            };
            if chosen.len() + 1 > buf.len() * 4 || chosen.contains('\0') {
                return Err(invalid(name, "text too long for this option"));
            }
            string_to_words(&chosen, &mut buf);
            return Ok(buf);
        }
        (t, v) => {
            let expected = match t {
                ffi::TYPE_BOOL => "a boolean",
                ffi::TYPE_INT => "an integer",
                ffi::TYPE_FIXED => "a number",
                ffi::TYPE_STRING => "a text value",
                ffi::TYPE_BUTTON => "true (press)",
                _ => "nothing (group)",
            };
            return Err(invalid(name, format!("expected {expected}, got {v:?}")));
        }
    };
    check_constraint(o, word)?;
    if let Some(first) = buf.first_mut() {
        *first = word;
    }
    Ok(buf)
}

fn show(o: &RawOption, w: Word) -> String {
    if o.value_type == ffi::TYPE_FIXED {
        format!("{}", fixed_to_f64(w))
    } else {
        w.to_string()
    }
}

fn check_constraint(o: &RawOption, w: Word) -> Result<(), ScanError> {
    match &o.constraint {
        Constraint::Range { min, max, .. } if w < *min || w > *max => Err(invalid(
            &o.name,
            format!("{} is outside {}..{}", show(o, w), show(o, *min), show(o, *max)),
        )),
        Constraint::Words(list) if !list.is_empty() && !list.contains(&w) => Err(invalid(
            &o.name,
            format!(
                "{} is not one of: {}",
                show(o, w),
                list.iter().map(|x| show(o, *x)).collect::<Vec<_>>().join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

/// Sets an option by name; the outcome carries the value the device really holds and its info flags.
pub fn set(lib: &Lib, h: Handle, name: &str, value: &OptionValue) -> Result<SetOutcome, ScanError> {
    let o = all(lib, h)
        .into_iter()
        .find(|o| o.name == name && o.value_type != ffi::TYPE_GROUP)
        .ok_or_else(|| invalid(name, "the scanner has no such option"))?;
    if !o.active() {
        return Err(invalid(name, "the option is inactive in the current mode"));
    }
    if !o.settable() {
        return Err(invalid(name, "the option is read-only"));
    }
    let mut buf = encode(&o, value)?;
    let (status, info) = lib.control(h, o.index, ffi::ACTION_SET_VALUE, &mut buf);
    if status != ffi::STATUS_GOOD {
        return Err(match status {
            4 => invalid(name, "the scanner refused the value (SANE_STATUS_INVAL)"),
            s => to_error(s, &format!("set option {name}")),
        });
    }
    // After RELOAD_OPTIONS the old descriptor is stale (its size or constraint may have changed) and
    // backends may refuse access until it is read again; the test backend enforces exactly that.
    let o = if info & ffi::INFO_RELOAD_OPTIONS != 0 {
        lib.option(h, o.index).unwrap_or(o)
    } else {
        o
    };
    let applied = if o.value_type == ffi::TYPE_BUTTON {
        value.clone()
    } else {
        get(lib, h, &o)?
    };
    Ok(SetOutcome {
        applied,
        inexact: info & ffi::INFO_INEXACT != 0,
        reload_options: info & ffi::INFO_RELOAD_OPTIONS != 0,
    })
}

#[cfg(test)]
pub(in crate::sane) mod tests {
    use super::*;

    /// A `resolution` option of the given type and constraint (also used by `configure`'s tests).
    pub(in crate::sane) fn opt(value_type: i32, constraint: Constraint) -> RawOption {
        RawOption {
            index: 1,
            name: "resolution".into(),
            title: String::new(),
            value_type,
            unit: 4,
            size: 4,
            cap: ffi::CAP_SOFT_SELECT,
            constraint,
        }
    }

    #[test]
    fn fixed_is_sixteen_sixteen() {
        assert_eq!(f64_to_fixed(300.0), Some(300 * 65536));
        assert_eq!(fixed_to_f64(300 * 65536), 300.0);
        assert_eq!(f64_to_fixed(0.5), Some(32768));
        assert_eq!(f64_to_fixed(40000.0), None);
        let range = Constraint::Range {
            min: 65536,
            max: 1200 * 65536,
            quant: 65536,
        };
        let o = opt(ffi::TYPE_FIXED, range);
        // An integer for a Fixed option is converted by value, not reinterpreted.
        assert_eq!(encode(&o, &OptionValue::Int(300)).unwrap()[0], 300 * 65536);
        assert_eq!(encode(&o, &OptionValue::Fixed(150.0)).unwrap()[0], 150 * 65536);
        assert!(matches!(
            encode(&o, &OptionValue::Fixed(5000.0)),
            Err(ScanError::InvalidOption { .. })
        ));
        assert!(matches!(
            encode(&o, &OptionValue::String("300".into())),
            Err(ScanError::InvalidOption { .. })
        ));
    }

    #[test]
    fn word_lists_and_strings_are_checked() {
        let o = opt(ffi::TYPE_INT, Constraint::Words(vec![75, 150, 300]));
        assert_eq!(encode(&o, &OptionValue::Int(150)).unwrap()[0], 150);
        assert!(encode(&o, &OptionValue::Int(200)).is_err());
        assert!(encode(&o, &OptionValue::Fixed(150.5)).is_err());
        let mut s = opt(
            ffi::TYPE_STRING,
            Constraint::Strings(vec!["Flatbed".into(), "ADF Duplex".into()]),
        );
        s.size = 16;
        let buf = encode(&s, &OptionValue::String("adf duplex".into())).unwrap();
        assert_eq!(words_to_string(&buf), "ADF Duplex");
        assert!(encode(&s, &OptionValue::String("Film".into())).is_err());
        let b = opt(ffi::TYPE_BOOL, Constraint::None);
        assert!(encode(&b, &OptionValue::Int(1)).is_err());
        assert_eq!(encode(&b, &OptionValue::Bool(true)).unwrap()[0], 1);
    }

    #[test]
    fn kinds_convert_fixed_constraints() {
        let o = opt(ffi::TYPE_FIXED, Constraint::Words(vec![75 << 16, 150 << 16]));
        assert_eq!(
            kind(&o),
            Some(OptionKind::Fixed {
                min: None,
                max: None,
                step: None,
                list: vec![75.0, 150.0]
            })
        );
    }
}
