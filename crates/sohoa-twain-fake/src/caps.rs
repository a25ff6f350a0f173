//! The fake source's capabilities: typed values, their constraints, and the container each answers with.

use crate::ffi::*;

/// Custom capabilities that configure the fake per session (thread-safe, unlike environment variables).
pub const CAP_FAKE_SHEETS: u16 = 0x8001;
/// 1-based image number at which the paper jams (0: never).
pub const CAP_FAKE_JAM_AT: u16 = 0x8002;
/// 1-based image number at which a double feed is detected (0: never).
pub const CAP_FAKE_DOUBLEFEED_AT: u16 = 0x8003;
/// Native transfer format: 0 TIFF (the Linux convention), 1 DIB (the Windows convention).
pub const CAP_FAKE_NATIVE_DIB: u16 = 0x8004;
/// Report 0xFFFF ("unknown") as the pending count while images remain.
pub const CAP_FAKE_UNKNOWN_COUNT: u16 = 0x8005;

#[derive(Clone, Debug)]
pub enum Constraint {
    /// Any value of the type (reported as a ONEVALUE).
    Any,
    /// Reported as a TW_ENUMERATION; values outside the list are rounded to the nearest (CHECKSTATUS).
    List(Vec<u32>),
    /// Reported as a TW_RANGE (FIX32 or integer).
    Range { min: f64, max: f64, step: f64 },
    /// Read-only (MSG_SET refused with TWCC_CAPBADOPERATION).
    ReadOnly,
}

#[derive(Clone, Debug)]
pub struct Cap {
    pub id: u16,
    pub ty: u16,
    pub current: u32,
    pub default: u32,
    pub constraint: Constraint,
}

pub fn fix(v: f64) -> u32 {
    TwFix32::from_f64(v).to_u32()
}

pub fn as_f64(ty: u16, v: u32) -> f64 {
    match ty {
        TWTY_FIX32 => TwFix32::from_u32(v).to_f64(),
        TWTY_INT16 => f64::from(v as u16 as i16),
        TWTY_INT32 => f64::from(v as i32),
        _ => f64::from(v),
    }
}

fn cap(id: u16, ty: u16, current: u32, constraint: Constraint) -> Cap {
    Cap {
        id,
        ty,
        current,
        default: current,
        constraint,
    }
}

/// A 1-based image number where a fault is injected (0: never).
fn image_number(id: u16) -> Cap {
    let constraint = Constraint::Range {
        min: 0.0,
        max: 1000.0,
        step: 1.0,
    };
    cap(id, TWTY_INT32, 0, constraint)
}

/// The flatbed model's resolution (X or Y): 50 to 600 dpi in steps of 50, 150 by default.
fn dpi_range(id: u16) -> Cap {
    let constraint = Constraint::Range {
        min: 50.0,
        max: 600.0,
        step: 50.0,
    };
    cap(id, TWTY_FIX32, fix(150.0), constraint)
}

/// The capability set of a source; `feeder` and `flatbed_range` pick the two fake models.
pub fn source_caps(feeder: bool) -> Vec<Cap> {
    use Constraint::*;
    let mut caps = vec![
        cap(CAP_XFERCOUNT, TWTY_INT16, 0xffff, Any),
        cap(
            ICAP_XFERMECH,
            TWTY_UINT16,
            u32::from(TWSX_NATIVE),
            List(vec![0, 2]),
        ),
        cap(
            ICAP_PIXELTYPE,
            TWTY_UINT16,
            u32::from(TWPT_RGB),
            List(vec![0, 1, 2]),
        ),
        cap(ICAP_UNITS, TWTY_UINT16, 0, List(vec![0])),
        cap(ICAP_COMPRESSION, TWTY_UINT16, 0, List(vec![0])),
        cap(ICAP_PHYSICALWIDTH, TWTY_FIX32, fix(2.0), ReadOnly),
        cap(ICAP_PHYSICALHEIGHT, TWTY_FIX32, fix(3.0), ReadOnly),
        cap(CAP_FAKE_NATIVE_DIB, TWTY_UINT16, 0, List(vec![0, 1])),
        cap(CAP_FAKE_UNKNOWN_COUNT, TWTY_BOOL, 0, List(vec![0, 1])),
    ];
    if feeder {
        // An ADF model: enumerated resolutions, feeder, duplex, on-device deskew and blank discard (with
        // blank discard on, the backs of even-numbered sheets are blank and are dropped), TWEI_PAGESIDE.
        let res = [75.0, 100.0, 150.0, 200.0, 300.0]
            .iter()
            .map(|v| fix(*v))
            .collect::<Vec<_>>();
        caps.extend([
            cap(ICAP_XRESOLUTION, TWTY_FIX32, fix(200.0), List(res.clone())),
            cap(ICAP_YRESOLUTION, TWTY_FIX32, fix(200.0), List(res)),
            cap(CAP_FEEDERENABLED, TWTY_BOOL, 1, List(vec![0, 1])),
            cap(CAP_FEEDERLOADED, TWTY_BOOL, 1, ReadOnly),
            cap(CAP_DUPLEX, TWTY_UINT16, 1, ReadOnly),
            cap(CAP_DUPLEXENABLED, TWTY_BOOL, 0, List(vec![0, 1])),
            cap(ICAP_AUTOMATICDESKEW, TWTY_BOOL, 0, List(vec![0, 1])),
            cap(ICAP_EXTIMAGEINFO, TWTY_BOOL, 0, List(vec![0, 1])),
            cap(
                ICAP_AUTODISCARDBLANKPAGES,
                TWTY_INT32,
                (-2i32) as u32,
                Range {
                    min: -2.0,
                    max: 1_000_000.0,
                    step: 1.0,
                },
            ),
            cap(
                CAP_FAKE_SHEETS,
                TWTY_INT32,
                5,
                Range {
                    min: 0.0,
                    max: 500.0,
                    step: 1.0,
                },
            ),
            image_number(CAP_FAKE_JAM_AT),
            image_number(CAP_FAKE_DOUBLEFEED_AT),
        ]);
    } else {
        // A flatbed model: a resolution range, one sheet per scan.
        caps.extend([
            dpi_range(ICAP_XRESOLUTION),
            dpi_range(ICAP_YRESOLUTION),
            cap(CAP_FAKE_SHEETS, TWTY_INT32, 1, ReadOnly),
        ]);
    }
    let ids: Vec<u32> = caps
        .iter()
        .map(|c| u32::from(c.id))
        .chain([u32::from(CAP_SUPPORTEDCAPS)])
        .collect();
    caps.push(Cap {
        id: CAP_SUPPORTEDCAPS,
        ty: TWTY_UINT16,
        current: 0,
        default: 0,
        constraint: List(ids),
    });
    caps
}

impl Cap {
    /// Checks and applies a MSG_SET value; `Ok(true)` when it was rounded (TWRC_CHECKSTATUS).
    pub fn set(&mut self, v: u32) -> Result<bool, u16> {
        match &self.constraint {
            Constraint::ReadOnly => Err(TWCC_CAPBADOPERATION),
            Constraint::Any => {
                self.current = v;
                Ok(false)
            }
            Constraint::List(items) => {
                if items.contains(&v) {
                    self.current = v;
                    return Ok(false);
                }
                if self.ty != TWTY_FIX32 {
                    return Err(TWCC_BADVALUE);
                }
                let x = as_f64(self.ty, v);
                let nearest = items.iter().copied().min_by(|a, b| {
                    (as_f64(self.ty, *a) - x)
                        .abs()
                        .total_cmp(&(as_f64(self.ty, *b) - x).abs())
                });
                match nearest {
                    Some(n) => {
                        self.current = n;
                        Ok(true)
                    }
                    None => Err(TWCC_BADVALUE),
                }
            }
            Constraint::Range { min, max, step } => {
                let x = as_f64(self.ty, v);
                if x < *min || x > *max {
                    return Err(TWCC_BADVALUE);
                }
                let snapped = ((x - min) / step).round() * step + min;
                self.current = if self.ty == TWTY_FIX32 { fix(snapped) } else { v };
                Ok((snapped - x).abs() > 1e-9)
            }
        }
    }

    /// Container bytes for MSG_GET (full constraint) or GETCURRENT/GETDEFAULT (one value).
    pub fn container(&self, msg: u16) -> (u16, Vec<u8>) {
        let one = |v: u32| {
            let mut b = self.ty.to_le_bytes().to_vec();
            b.extend_from_slice(&v.to_le_bytes());
            (TWON_ONEVALUE, b)
        };
        let size = item_size(self.ty).unwrap_or(4);
        match (msg, &self.constraint) {
            (MSG_GETDEFAULT, _) => one(self.default),
            (MSG_GET, Constraint::List(items)) if self.id == CAP_SUPPORTEDCAPS => {
                let mut b = self.ty.to_le_bytes().to_vec();
                b.extend_from_slice(&(items.len() as u32).to_le_bytes());
                for i in items {
                    b.extend_from_slice(&i.to_le_bytes()[..size]);
                }
                (TWON_ARRAY, b)
            }
            (MSG_GET, Constraint::List(items)) => {
                let cur = items.iter().position(|i| *i == self.current).unwrap_or(0) as u32;
                let def = items.iter().position(|i| *i == self.default).unwrap_or(0) as u32;
                let mut b = self.ty.to_le_bytes().to_vec();
                for v in [items.len() as u32, cur, def] {
                    b.extend_from_slice(&v.to_le_bytes());
                }
                for i in items {
                    b.extend_from_slice(&i.to_le_bytes()[..size]);
                }
                (TWON_ENUMERATION, b)
            }
            (MSG_GET, Constraint::Range { min, max, step }) => {
                let enc = |v: f64| {
                    if self.ty == TWTY_FIX32 {
                        fix(v)
                    } else {
                        v as i32 as u32
                    }
                };
                let mut b = self.ty.to_le_bytes().to_vec();
                for v in [enc(*min), enc(*max), enc(*step), self.default, self.current] {
                    b.extend_from_slice(&v.to_le_bytes());
                }
                (TWON_RANGE, b)
            }
            _ => one(self.current),
        }
    }
}
