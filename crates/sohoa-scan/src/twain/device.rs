//! A TWAIN source as a [`Device`]: capability negotiation in state 4, then a page stream that walks the
//! pending-transfer loop (states 5–7) one image per `next_page`.

use std::time::Duration;

use super::caps::{Container, encode_item, item_f64, item_i32};
use super::ffi::*;
use super::options::{CAP_OPTIONS, cap_by_name, parse_custom};
use super::session::{Session, cap_name};
use super::state::TwainState;
use crate::{
    Capabilities, ColorMode, Device, DeviceInfo, OptionDescriptor, OptionKind, OptionValue, PageStream,
    Resolutions, ScanError, ScanSettings, SetOutcome, Source,
};

/// How images leave the source. Memory is the default: uncompressed strips need no decoder and every
/// TWAIN source must support them; native is the fallback (and what older Windows drivers do best).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferMode {
    Memory,
    Native,
}

pub struct TwainDevice {
    pub(crate) session: Session,
    info: DeviceInfo,
    pub(crate) transfer: TransferMode,
    /// How long to wait for the source to announce an image (feeding, warming up).
    pub(crate) xfer_timeout: Duration,
}

impl TwainDevice {
    pub(crate) fn new(mut session: Session, info: DeviceInfo) -> Result<TwainDevice, ScanError> {
        let mut info = info;
        if let Ok(caps) = probe_sources(&mut session) {
            info.sources = caps.0;
            info.duplex = caps.1;
        }
        Ok(TwainDevice {
            session,
            info,
            transfer: TransferMode::Memory,
            xfer_timeout: Duration::from_secs(120),
        })
    }

    pub fn transfer_mode(&self) -> TransferMode {
        self.transfer
    }

    /// TWAIN state the session is in (4 between scans); exposed for diagnostics and tests.
    pub fn twain_state(&self) -> u8 {
        self.session.state() as u8
    }

    fn supports(&mut self, cap: u16) -> bool {
        self.session.cap_get(cap, MSG_GET).is_ok()
    }

    fn set_one(&mut self, cap: u16, ty: u16, v: f64) -> Result<bool, ScanError> {
        self.session.cap_set(
            cap,
            &Container::One {
                ty,
                item: encode_item(ty, v),
            },
        )
    }

    fn set_bool_if_supported(&mut self, cap: u16, v: bool) -> Result<bool, ScanError> {
        if !self.supports(cap) {
            return Ok(false);
        }
        self.set_one(cap, TWTY_BOOL, if v { 1.0 } else { 0.0 })?;
        Ok(true)
    }
}

/// Sources and duplex from CAP_FEEDERENABLED / CAP_DUPLEX (state 4).
pub(crate) fn probe_sources(s: &mut Session) -> Result<(Vec<Source>, bool), ScanError> {
    let mut sources = Vec::new();
    match s.cap_get(CAP_FEEDERENABLED, MSG_GET) {
        Ok(c) => {
            // Many sources answer MSG_GET with a ONEVALUE holding only the current setting; whether the
            // other paper path exists then shows in MSG_QUERYSUPPORT (settable means both exist).
            let settable = !matches!(c, Container::One { .. })
                || s.cap_get(CAP_FEEDERENABLED, MSG_QUERYSUPPORT)
                    .ok()
                    .and_then(|q| q.current())
                    .is_some_and(|flags| flags & TWQC_SET != 0);
            let vals = c.values();
            if vals.contains(&0) || settable {
                sources.push(Source::Flatbed);
            }
            if vals.iter().any(|v| *v != 0) || settable {
                sources.push(Source::Adf);
            }
        }
        Err(_) => sources.push(Source::Flatbed),
    }
    let duplex = match s.cap_get(CAP_DUPLEX, MSG_GET) {
        Ok(c) => c.current().is_some_and(|v| v != 0),
        Err(_) => s.cap_get(CAP_DUPLEXENABLED, MSG_GET).is_ok(),
    };
    if duplex && sources.contains(&Source::Adf) {
        sources.push(Source::AdfDuplex);
    }
    Ok((sources, duplex))
}

impl Device for TwainDevice {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn capabilities(&mut self) -> Result<Capabilities, ScanError> {
        let (sources, _) = probe_sources(&mut self.session)?;
        let modes = match self.session.cap_get(ICAP_PIXELTYPE, MSG_GET) {
            Ok(c) => c
                .values()
                .iter()
                .filter_map(|v| match *v as u16 {
                    TWPT_BW => Some(ColorMode::Bw),
                    TWPT_GRAY => Some(ColorMode::Gray),
                    TWPT_RGB => Some(ColorMode::Color),
                    _ => None,
                })
                .collect(),
            Err(_) => vec![ColorMode::Color],
        };
        let resolutions = match self.session.cap_get(ICAP_XRESOLUTION, MSG_GET)? {
            Container::Range {
                ty, min, max, step, ..
            } => Resolutions::Range {
                min: item_f64(ty, min).round() as u32,
                max: item_f64(ty, max).round() as u32,
                step: item_f64(ty, step).round().max(1.0) as u32,
            },
            c => Resolutions::List {
                values: c
                    .values()
                    .iter()
                    .map(|v| item_f64(c.item_type(), *v).round() as u32)
                    .collect(),
            },
        };
        let inches = |s: &mut Session, cap| {
            s.cap_get(cap, MSG_GETCURRENT)
                .ok()
                .and_then(|c| c.current().map(|v| item_f64(c.item_type(), v) * 25.4))
        };
        let max_width_mm = inches(&mut self.session, ICAP_PHYSICALWIDTH).unwrap_or(215.9);
        let max_height_mm = inches(&mut self.session, ICAP_PHYSICALHEIGHT).unwrap_or(297.0);
        let mut options = vec![OptionDescriptor {
            name: "transfer".into(),
            title: "Cách nhận ảnh (memory/native)".into(),
            kind: OptionKind::String {
                choices: vec!["memory".into(), "native".into()],
            },
            unit: String::new(),
            settable: true,
        }];
        let mut auto_deskew = false;
        let mut blank_discard = false;
        for o in CAP_OPTIONS {
            let Ok(c) = self.session.cap_get(o.cap, MSG_GET) else {
                continue;
            };
            auto_deskew |= o.cap == ICAP_AUTOMATICDESKEW;
            blank_discard |= o.cap == ICAP_AUTODISCARDBLANKPAGES;
            options.push(OptionDescriptor {
                name: o.name.into(),
                title: o.title.into(),
                kind: option_kind(o.item_type, o.cap, &c),
                unit: String::new(),
                settable: true,
            });
        }
        if let Ok(Container::Array { items, .. }) = self.session.cap_get(CAP_SUPPORTEDCAPS, MSG_GET) {
            for cap in items
                .into_iter()
                .map(|v| v as u16)
                .filter(|c| *c >= CAP_CUSTOMBASE)
            {
                if let Ok(c) = self.session.cap_get(cap, MSG_GET) {
                    options.push(OptionDescriptor {
                        name: format!("cap-0x{cap:04x}"),
                        title: format!("Vendor capability 0x{cap:04x}"),
                        kind: option_kind(c.item_type(), cap, &c),
                        unit: String::new(),
                        settable: true,
                    });
                }
            }
        }
        Ok(Capabilities {
            sources,
            modes,
            resolutions,
            max_width_mm,
            max_height_mm,
            auto_deskew,
            blank_discard,
            options,
        })
    }

    fn set_option(&mut self, name: &str, value: OptionValue) -> Result<SetOutcome, ScanError> {
        let invalid = |reason: &str| ScanError::InvalidOption {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        if name == "transfer" {
            let OptionValue::String(s) = &value else {
                return Err(invalid("expected \"memory\" or \"native\""));
            };
            self.transfer = match s.as_str() {
                "memory" => TransferMode::Memory,
                "native" => TransferMode::Native,
                _ => return Err(invalid("expected \"memory\" or \"native\"")),
            };
            return Ok(SetOutcome {
                applied: value,
                inexact: false,
                reload_options: false,
            });
        }
        if self.session.state() != TwainState::SourceOpen {
            return Err(ScanError::Busy);
        }
        let (cap, ty) = if let Some(o) = cap_by_name(name) {
            (o.cap, o.item_type)
        } else if let Some(cap) = parse_custom(name) {
            let cur = self.session.cap_get(cap, MSG_GETCURRENT)?;
            (cap, cur.item_type())
        } else {
            return Err(ScanError::Unsupported(format!("TWAIN option {name}")));
        };
        let raw = match (&value, ty) {
            (OptionValue::Bool(b), TWTY_BOOL) => encode_item(ty, f64::from(u8::from(*b))),
            (OptionValue::Bool(b), TWTY_INT32) if cap == ICAP_AUTODISCARDBLANKPAGES => {
                encode_item(ty, f64::from(if *b { TWBP_AUTO } else { TWBP_DISABLE }))
            }
            (OptionValue::Bool(b), TWTY_UINT16) if cap == CAP_DOUBLEFEEDDETECTION => {
                encode_item(ty, f64::from(u8::from(*b)))
            }
            (OptionValue::Int(i), t) if t != TWTY_BOOL && t != TWTY_FIX32 => encode_item(ty, f64::from(*i)),
            (OptionValue::Int(i), TWTY_FIX32) => encode_item(ty, f64::from(*i)),
            (OptionValue::Fixed(f), TWTY_FIX32) => encode_item(ty, *f),
            _ => return Err(invalid(&format!("wrong value type for {}", cap_name(cap)))),
        };
        let changed = self.session.cap_set(cap, &Container::One { ty, item: raw })?;
        let now = self.session.cap_get(cap, MSG_GETCURRENT)?;
        let cur = now.current().unwrap_or(raw);
        let applied = match &value {
            OptionValue::Bool(_) if cap == ICAP_AUTODISCARDBLANKPAGES => {
                OptionValue::Bool(item_i32(ty, cur) != TWBP_DISABLE)
            }
            OptionValue::Bool(_) => OptionValue::Bool(item_i32(ty, cur) != 0),
            OptionValue::Fixed(_) => OptionValue::Fixed(item_f64(ty, cur)),
            _ => OptionValue::Int(item_i32(ty, cur)),
        };
        Ok(SetOutcome {
            inexact: changed || cur != raw,
            applied,
            reload_options: changed,
        })
    }

    fn scan(&mut self, settings: &ScanSettings) -> Result<Box<dyn PageStream + '_>, ScanError> {
        if self.session.state() != TwainState::SourceOpen {
            return Err(ScanError::Busy);
        }
        let mech = match self.transfer {
            TransferMode::Memory => TWSX_MEMORY,
            TransferMode::Native => TWSX_NATIVE,
        };
        if self.set_one(ICAP_XFERMECH, TWTY_UINT16, f64::from(mech)).is_err() {
            // The source lacks the requested mechanism: native is mandatory for every source.
            self.set_one(ICAP_XFERMECH, TWTY_UINT16, f64::from(TWSX_NATIVE))?;
            self.transfer = TransferMode::Native;
        }
        let _ = self.set_one(ICAP_UNITS, TWTY_UINT16, f64::from(TWUN_INCHES));
        if self.transfer == TransferMode::Memory {
            // Strips are assembled uncompressed; a source left on JPEG/G4 from an earlier session would
            // otherwise send compressed buffers.
            let _ = self.set_one(ICAP_COMPRESSION, TWTY_UINT16, f64::from(TWCP_NONE));
        }
        let pt = match settings.mode {
            ColorMode::Color => TWPT_RGB,
            ColorMode::Gray => TWPT_GRAY,
            ColorMode::Bw => TWPT_BW,
        };
        self.set_one(ICAP_PIXELTYPE, TWTY_UINT16, f64::from(pt))
            .map_err(|e| rename(e, "mode"))?;
        for cap in [ICAP_XRESOLUTION, ICAP_YRESOLUTION] {
            self.set_one(cap, TWTY_FIX32, f64::from(settings.dpi))
                .map_err(|e| rename(e, "dpi"))?;
        }
        let duplex = settings.source == Source::AdfDuplex;
        match settings.source {
            Source::Flatbed => {
                self.set_bool_if_supported(CAP_FEEDERENABLED, false)?;
            }
            Source::Adf | Source::AdfDuplex => {
                if !self.set_bool_if_supported(CAP_FEEDERENABLED, true)? {
                    return Err(ScanError::Unsupported("ADF".into()));
                }
            }
        }
        if !self.set_bool_if_supported(CAP_DUPLEXENABLED, duplex)? && duplex {
            return Err(ScanError::Unsupported("duplex".into()));
        }
        // With duplex, ask which side each image is (TWEI_PAGESIDE): when the source discards blank
        // backs, counting alternately front/back would pair the wrong sides.
        let ext_side = duplex
            && self.supports(ICAP_EXTIMAGEINFO)
            && self.set_one(ICAP_EXTIMAGEINFO, TWTY_BOOL, 1.0).is_ok();
        let count = settings.max_pages.map_or(-1.0, |n| f64::from(n.min(32767)));
        self.set_one(CAP_XFERCOUNT, TWTY_INT16, count)?;
        if let Some(a) = settings.area {
            let f = |mm: f64| TwFix32::from_f64(mm / 25.4);
            self.session.set_layout(TwFrame {
                left: f(a.x_mm),
                top: f(a.y_mm),
                right: f(a.x_mm + a.width_mm),
                bottom: f(a.y_mm + a.height_mm),
            })?;
        }
        let mut first_error = None;
        if settings.source != Source::Flatbed
            && let Ok(c) = self.session.cap_get(CAP_FEEDERLOADED, MSG_GETCURRENT)
            && c.current() == Some(0)
        {
            first_error = Some(ScanError::FeederEmpty);
        }
        if first_error.is_none()
            && let Err(e) = self.session.enable()
        {
            // A paper fault found when the source starts (no paper, jam left in the path) is the stream's
            // first item, like a fault on any later sheet; anything else fails the scan call itself.
            if !e.is_paper_fault() {
                return Err(e);
            }
            first_error = Some(e);
        }
        let dpi = f64::from(settings.dpi);
        Ok(Box::new(super::stream::TwainStream {
            dev: self,
            index: 0,
            sheet: 0,
            duplex,
            ext_side,
            done: false,
            cancelled: false,
            first_error,
            dpi,
        }))
    }
}

fn rename(e: ScanError, name: &str) -> ScanError {
    match e {
        ScanError::InvalidOption { reason, .. } => ScanError::InvalidOption {
            name: name.to_owned(),
            reason,
        },
        other => other,
    }
}

fn option_kind(ty: u16, cap: u16, c: &Container) -> OptionKind {
    if ty == TWTY_BOOL || cap == ICAP_AUTODISCARDBLANKPAGES || cap == CAP_DOUBLEFEEDDETECTION {
        return OptionKind::Bool;
    }
    let t = c.item_type();
    match (ty, c) {
        (TWTY_FIX32, Container::Range { min, max, step, .. }) => OptionKind::Fixed {
            min: Some(item_f64(t, *min)),
            max: Some(item_f64(t, *max)),
            step: Some(item_f64(t, *step)),
            list: vec![],
        },
        (TWTY_FIX32, _) => OptionKind::Fixed {
            min: None,
            max: None,
            step: None,
            list: c.values().iter().map(|v| item_f64(t, *v)).collect(),
        },
        (_, Container::Range { min, max, step, .. }) => OptionKind::Int {
            min: Some(item_i32(t, *min)),
            max: Some(item_i32(t, *max)),
            step: Some(item_i32(t, *step)),
            list: vec![],
        },
        _ => OptionKind::Int {
            min: None,
            max: None,
            step: None,
            list: c.values().iter().map(|v| item_i32(t, *v)).collect(),
        },
    }
}
