//! Applies [`ScanSettings`] to a SANE device and reads its capabilities, both on the scanner thread.

use super::ffi::{self, Constraint, Handle, Lib, RawOption};
use super::options::{self, fixed_to_f64};
use crate::profile::SourceNames;
use crate::{Capabilities, ColorMode, OptionValue, Resolutions, ScanError, ScanSettings, Source};

const COLOR: &[&str] = &["Color", "Colour", "RGB", "24bit Color", "Color24"];
const GRAY: &[&str] = &["Gray", "Grayscale", "Gray8", "True Gray", "8bit Gray"];
const LINEART: &[&str] = &["Lineart", "Binary", "Black & White", "Monochrome", "BW"];

fn strings(o: &RawOption) -> Vec<String> {
    match &o.constraint {
        Constraint::Strings(s) => s.clone(),
        _ => Vec::new(),
    }
}

fn pick(choices: &[String], wanted: &[&str]) -> Option<String> {
    wanted
        .iter()
        .find_map(|w| choices.iter().find(|c| c.eq_ignore_ascii_case(w)))
        .cloned()
}

/// A number option's value as f64, whichever of Int/Fixed it is.
fn number(w: ffi::Word, fixed: bool) -> f64 {
    if fixed { fixed_to_f64(w) } else { f64::from(w) }
}

fn resolution_option(all: &[RawOption]) -> Option<&RawOption> {
    all.iter()
        .find(|o| o.active() && (o.name == "resolution" || o.name == "x-resolution"))
}

pub fn capabilities(lib: &Lib, h: Handle, names: &SourceNames, quirk_dpi: &[u32]) -> Capabilities {
    let all = options::all(lib, h);
    let find = |n: &str| all.iter().find(|o| o.name == n && o.active());
    let mut sources: Vec<Source> = Vec::new();
    match find("source") {
        Some(o) => {
            for s in strings(o) {
                if let Some(src) = names.classify(&s)
                    && !sources.contains(&src)
                {
                    sources.push(src);
                }
            }
            let duplex_bool = find("duplex").is_some_and(|d| d.value_type == ffi::TYPE_BOOL);
            if duplex_bool && sources.contains(&Source::Adf) && !sources.contains(&Source::AdfDuplex) {
                sources.push(Source::AdfDuplex);
            }
        }
        None => sources.push(Source::Flatbed),
    }
    let mut modes = Vec::new();
    if let Some(o) = find("mode") {
        let c = strings(o);
        if pick(&c, COLOR).is_some() {
            modes.push(ColorMode::Color);
        }
        if pick(&c, GRAY).is_some() {
            modes.push(ColorMode::Gray);
        }
        let depth1 =
            find("depth").is_some_and(|d| matches!(&d.constraint, Constraint::Words(w) if w.contains(&1)));
        if pick(&c, LINEART).is_some() || depth1 {
            modes.push(ColorMode::Bw);
        }
    }
    let resolutions = if quirk_dpi.is_empty() {
        match resolution_option(&all) {
            Some(o) => {
                let fixed = o.value_type == ffi::TYPE_FIXED;
                match &o.constraint {
                    Constraint::Range { min, max, quant } => Resolutions::Range {
                        min: number(*min, fixed).round() as u32,
                        max: number(*max, fixed).round() as u32,
                        step: (number(*quant, fixed).round() as u32).max(1),
                    },
                    Constraint::Words(w) => Resolutions::List {
                        values: w.iter().map(|x| number(*x, fixed).round() as u32).collect(),
                    },
                    _ => Resolutions::List { values: Vec::new() },
                }
            }
            None => Resolutions::List { values: Vec::new() },
        }
    } else {
        Resolutions::List {
            values: quirk_dpi.to_vec(),
        }
    };
    let extent = |n: &str| {
        find(n)
            .and_then(|o| match &o.constraint {
                Constraint::Range { max, .. } if o.unit == 3 => {
                    Some(number(*max, o.value_type == ffi::TYPE_FIXED))
                }
                _ => None,
            })
            .unwrap_or(0.0)
    };
    let has_bool = |n: &str| find(n).is_some_and(|o| o.value_type == ffi::TYPE_BOOL);
    Capabilities {
        sources,
        modes,
        resolutions,
        max_width_mm: extent("br-x"),
        max_height_mm: extent("br-y"),
        auto_deskew: has_bool("deskew") || has_bool("swdeskew"),
        blank_discard: has_bool("swskip") || has_bool("blank-page-skip"),
        options: all.iter().filter_map(options::descriptor).collect(),
    }
}

/// The value nearest to `dpi` that the option accepts.
fn snap_dpi(o: &RawOption, dpi: u32, quirk: &[u32]) -> f64 {
    let want = f64::from(
        quirk
            .iter()
            .copied()
            .min_by_key(|q| q.abs_diff(dpi))
            .unwrap_or(dpi),
    );
    let fixed = o.value_type == ffi::TYPE_FIXED;
    match &o.constraint {
        Constraint::Range { min, max, quant } => {
            let (lo, hi, q) = (number(*min, fixed), number(*max, fixed), number(*quant, fixed));
            let v = want.clamp(lo, hi);
            if q > 0.0 {
                lo + ((v - lo) / q).round() * q
            } else {
                v
            }
        }
        Constraint::Words(list) => list
            .iter()
            .map(|w| number(*w, fixed))
            .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
            .unwrap_or(want),
        _ => want,
    }
}

fn set(lib: &Lib, h: Handle, name: &str, v: OptionValue) -> Result<OptionValue, ScanError> {
    let out = options::set(lib, h, name, &v)?;
    if out.inexact {
        tracing::debug!(option = name, requested = ?v, applied = ?out.applied, "the scanner rounded the value");
    }
    Ok(out.applied)
}

fn number_value(o: &RawOption, v: f64) -> OptionValue {
    if o.value_type == ffi::TYPE_FIXED {
        OptionValue::Fixed(v)
    } else {
        OptionValue::Int(v.round() as i32)
    }
}

/// Sets source, mode, resolution and area; returns the resolution the device holds (dpi x, y).
pub fn apply(
    lib: &Lib,
    h: Handle,
    s: &ScanSettings,
    names: &SourceNames,
    quirk_dpi: &[u32],
) -> Result<(f64, f64), ScanError> {
    let find = |n: &str| options::find(lib, h, n);
    // Source first: on many backends it changes the ranges of everything else (RELOAD_OPTIONS).
    match find("source") {
        Some(o) => {
            let choices = strings(&o);
            let duplex_flag = find("duplex").filter(|d| d.value_type == ffi::TYPE_BOOL && d.settable());
            let name = match (names.vendor_name(s.source, &choices), s.source) {
                (Some(n), _) => n,
                (None, Source::AdfDuplex) if duplex_flag.is_some() => names
                    .vendor_name(Source::Adf, &choices)
                    .ok_or_else(|| ScanError::Unsupported("ADF".into()))?,
                (None, src) => {
                    return Err(ScanError::Unsupported(format!(
                        "source {src:?} (the scanner offers: {})",
                        choices.join(", ")
                    )));
                }
            };
            // Older backends (fujitsu before 1.0.21, some Canon) have one ADF source and a "duplex" switch.
            let source_is_duplex = names.classify(&name) == Some(Source::AdfDuplex);
            set(lib, h, "source", OptionValue::String(name))?;
            if let Some(d) = duplex_flag {
                let on = s.source == Source::AdfDuplex && !source_is_duplex;
                set(lib, h, &d.name, OptionValue::Bool(on))?;
            }
        }
        None if s.source != Source::Flatbed => {
            return Err(ScanError::Unsupported(format!("source {:?}", s.source)));
        }
        None => {}
    }
    if let Some(o) = find("mode") {
        let choices = strings(&o);
        let (name, depth) = match s.mode {
            ColorMode::Color => (pick(&choices, COLOR), 8),
            ColorMode::Gray => (pick(&choices, GRAY), 8),
            ColorMode::Bw => match pick(&choices, LINEART) {
                Some(n) => (Some(n), 1),
                None => (pick(&choices, GRAY), 1),
            },
        };
        let name = name.ok_or_else(|| ScanError::Unsupported(format!("colour mode {:?}", s.mode)))?;
        set(lib, h, "mode", OptionValue::String(name))?;
        if let Some(d) = find("depth").filter(|d| d.settable()) {
            let ok = matches!(&d.constraint, Constraint::Words(w) if w.contains(&depth));
            if ok {
                set(lib, h, "depth", OptionValue::Int(depth))?;
            } else if s.mode == ColorMode::Bw && pick(&choices, LINEART).is_none() {
                return Err(ScanError::Unsupported("black-and-white mode".into()));
            }
        }
    } else if s.mode != ColorMode::Gray {
        return Err(ScanError::Unsupported(format!("colour mode {:?}", s.mode)));
    }
    let mut dpi = (f64::from(s.dpi), f64::from(s.dpi));
    let all = options::all(lib, h);
    if let Some(o) = resolution_option(&all) {
        let v = snap_dpi(o, s.dpi, quirk_dpi);
        let got = set(lib, h, &o.name.clone(), number_value(o, v))?;
        let x = as_f64(&got).unwrap_or(v);
        dpi = (x, x);
        if o.name == "x-resolution"
            && let Some(y) = options::find(lib, h, "y-resolution")
        {
            let got = set(
                lib,
                h,
                "y-resolution",
                number_value(&y, snap_dpi(&y, s.dpi, quirk_dpi)),
            )?;
            dpi.1 = as_f64(&got).unwrap_or(dpi.1);
        }
    }
    apply_area(lib, h, s, dpi.0)?;
    Ok(dpi)
}

fn as_f64(v: &OptionValue) -> Option<f64> {
    match v {
        OptionValue::Int(i) => Some(f64::from(*i)),
        OptionValue::Fixed(f) => Some(*f),
        _ => None,
    }
}

fn apply_area(lib: &Lib, h: Handle, s: &ScanSettings, dpi: f64) -> Result<(), ScanError> {
    for (name, mm, is_end) in [
        ("tl-x", s.area.map(|a| a.x_mm), false),
        ("tl-y", s.area.map(|a| a.y_mm), false),
        ("br-x", s.area.map(|a| a.x_mm + a.width_mm), true),
        ("br-y", s.area.map(|a| a.y_mm + a.height_mm), true),
    ] {
        let Some(o) = options::find(lib, h, name).filter(|o| o.settable()) else {
            continue;
        };
        let Constraint::Range { min, max, .. } = o.constraint else {
            continue;
        };
        let fixed = o.value_type == ffi::TYPE_FIXED;
        let (lo, hi) = (number(min, fixed), number(max, fixed));
        // Pixel-unit geometry (a few old backends) is converted at the scan resolution.
        let scale = if o.unit == 1 { dpi / 25.4 } else { 1.0 };
        let v = match mm {
            Some(mm) => (mm * scale).clamp(lo, hi),
            None if is_end => hi,
            None => lo,
        };
        set(lib, h, name, number_value(&o, v))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::options::tests::opt as res;
    use super::*;

    #[test]
    fn resolutions_snap_to_what_the_device_accepts() {
        let list = res(ffi::TYPE_INT, Constraint::Words(vec![75, 150, 300, 600]));
        assert_eq!(snap_dpi(&list, 200, &[]), 150.0);
        assert_eq!(snap_dpi(&list, 250, &[]), 300.0);
        let range = res(
            ffi::TYPE_FIXED,
            Constraint::Range {
                min: 50 << 16,
                max: 600 << 16,
                quant: 25 << 16,
            },
        );
        assert_eq!(snap_dpi(&range, 210, &[]), 200.0);
        assert_eq!(snap_dpi(&range, 1200, &[]), 600.0);
        // A quirk list (what the device really produces) is applied first.
        assert_eq!(snap_dpi(&range, 290, &[200, 240, 400]), 250.0);
    }
}
