//! Capability containers (TW_ONEVALUE, TW_ENUMERATION, TW_RANGE, TW_ARRAY) as plain values, with their
//! byte images, so negotiation logic is testable without a DSM.

use super::ffi::*;
use crate::ScanError;

/// Items are kept as their raw 32-bit value; [`item_i32`] and [`item_f64`] interpret them by type.
#[derive(Debug, Clone, PartialEq)]
pub enum Container {
    One {
        ty: u16,
        item: u32,
    },
    Enum {
        ty: u16,
        items: Vec<u32>,
        current: u32,
        default: u32,
    },
    Range {
        ty: u16,
        min: u32,
        max: u32,
        step: u32,
        default: u32,
        current: u32,
    },
    Array {
        ty: u16,
        items: Vec<u32>,
    },
}

pub fn item_i32(ty: u16, v: u32) -> i32 {
    match ty {
        TWTY_INT8 => i32::from(v as u8 as i8),
        TWTY_INT16 => i32::from(v as u16 as i16),
        TWTY_UINT8 => i32::from(v as u8),
        TWTY_UINT16 | TWTY_BOOL => i32::from(v as u16),
        TWTY_FIX32 => TwFix32::from_u32(v).to_f64().round() as i32,
        _ => v as i32,
    }
}

pub fn item_f64(ty: u16, v: u32) -> f64 {
    match ty {
        TWTY_FIX32 => TwFix32::from_u32(v).to_f64(),
        _ => f64::from(item_i32(ty, v)),
    }
}

impl Container {
    pub fn con_type(&self) -> u16 {
        match self {
            Container::One { .. } => TWON_ONEVALUE,
            Container::Enum { .. } => TWON_ENUMERATION,
            Container::Range { .. } => TWON_RANGE,
            Container::Array { .. } => TWON_ARRAY,
        }
    }

    pub fn item_type(&self) -> u16 {
        match self {
            Container::One { ty, .. }
            | Container::Enum { ty, .. }
            | Container::Range { ty, .. }
            | Container::Array { ty, .. } => *ty,
        }
    }

    /// The current value, whatever the container.
    pub fn current(&self) -> Option<u32> {
        match self {
            Container::One { item, .. } => Some(*item),
            Container::Enum { items, current, .. } => items.get(*current as usize).copied(),
            Container::Range { current, .. } => Some(*current),
            Container::Array { items, .. } => items.first().copied(),
        }
    }

    /// Every value the source offers (a range is expanded up to 512 steps).
    pub fn values(&self) -> Vec<u32> {
        match self {
            Container::One { item, .. } => vec![*item],
            Container::Enum { items, .. } | Container::Array { items, .. } => items.clone(),
            Container::Range {
                ty, min, max, step, ..
            } => {
                let (lo, hi, st) = (item_f64(*ty, *min), item_f64(*ty, *max), item_f64(*ty, *step));
                if st <= 0.0 || hi < lo {
                    return vec![*min];
                }
                let n = (((hi - lo) / st).floor() as usize).min(511);
                (0..=n).map(|i| encode_item(*ty, lo + st * i as f64)).collect()
            }
        }
    }

    /// Byte image of the container as it sits in a TWAIN handle.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ScanError> {
        let ty = self.item_type();
        let size = item_size(ty)
            .filter(|s| *s <= 4)
            .ok_or_else(|| unsupported_type(ty))?;
        let mut out = Vec::new();
        out.extend_from_slice(&ty.to_le_bytes());
        let push_items = |out: &mut Vec<u8>, items: &[u32]| {
            for i in items {
                out.extend_from_slice(&i.to_le_bytes()[..size]);
            }
        };
        match self {
            Container::One { item, .. } => out.extend_from_slice(&item.to_le_bytes()),
            Container::Enum {
                items,
                current,
                default,
                ..
            } => {
                out.extend_from_slice(&(items.len() as u32).to_le_bytes());
                out.extend_from_slice(&current.to_le_bytes());
                out.extend_from_slice(&default.to_le_bytes());
                push_items(&mut out, items);
            }
            Container::Range {
                min,
                max,
                step,
                default,
                current,
                ..
            } => {
                for v in [min, max, step, default, current] {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
            Container::Array { items, .. } => {
                out.extend_from_slice(&(items.len() as u32).to_le_bytes());
                push_items(&mut out, items);
            }
        }
        Ok(out)
    }

    /// Parses a container's byte image (`bytes` may be longer than the container).
    pub fn from_bytes(con_type: u16, bytes: &[u8]) -> Result<Container, ScanError> {
        let short = || ScanError::Protocol("truncated capability container".into());
        let u16_at = |o: usize| {
            bytes
                .get(o..o + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .ok_or_else(short)
        };
        let u32_at = |o: usize| {
            bytes
                .get(o..o + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(short)
        };
        let ty = u16_at(0)?;
        let size = item_size(ty).ok_or_else(|| unsupported_type(ty))?;
        let list = |start: usize, n: u32| -> Result<Vec<u32>, ScanError> {
            if size > 4 {
                return Err(unsupported_type(ty));
            }
            if n > 4096 {
                return Err(ScanError::Protocol(format!("container with {n} items")));
            }
            (0..n as usize)
                .map(|i| {
                    let o = start + i * size;
                    let b = bytes.get(o..o + size).ok_or_else(short)?;
                    let mut w = [0u8; 4];
                    w[..size].copy_from_slice(b);
                    Ok(u32::from_le_bytes(w))
                })
                .collect()
        };
        Ok(match con_type {
            TWON_ONEVALUE => Container::One { ty, item: u32_at(2)? },
            TWON_ENUMERATION => {
                let n = u32_at(2)?;
                Container::Enum {
                    ty,
                    current: u32_at(6)?,
                    default: u32_at(10)?,
                    items: list(14, n)?,
                }
            }
            TWON_RANGE => Container::Range {
                ty,
                min: u32_at(2)?,
                max: u32_at(6)?,
                step: u32_at(10)?,
                default: u32_at(14)?,
                current: u32_at(18)?,
            },
            TWON_ARRAY => Container::Array {
                ty,
                items: list(6, u32_at(2)?)?,
            },
            other => return Err(ScanError::Protocol(format!("unknown container type {other}"))),
        })
    }

    /// Byte length of a container whose header is `head` (at least 14 bytes or the whole container).
    pub fn byte_len(con_type: u16, head: &[u8]) -> Option<usize> {
        let ty = u16::from_le_bytes([*head.first()?, *head.get(1)?]);
        let size = item_size(ty)?;
        let n = |o: usize| {
            head.get(o..o + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        match con_type {
            TWON_ONEVALUE => Some(6),
            TWON_RANGE => Some(22),
            TWON_ENUMERATION => Some(14 + n(2)?.min(4096) * size),
            TWON_ARRAY => Some(6 + n(2)?.min(4096) * size),
            _ => None,
        }
    }
}

pub fn encode_item(ty: u16, v: f64) -> u32 {
    match ty {
        TWTY_FIX32 => TwFix32::from_f64(v).to_u32(),
        TWTY_INT8 => (v.round() as i8) as u8 as u32,
        TWTY_INT16 => (v.round() as i16) as u16 as u32,
        TWTY_INT32 => (v.round() as i32) as u32,
        _ => v.round().max(0.0) as u32,
    }
}

fn unsupported_type(ty: u16) -> ScanError {
    ScanError::Unsupported(format!("TWAIN item type {ty} in a capability container"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_round_trip_through_bytes() {
        let cases = [
            Container::One {
                ty: TWTY_UINT16,
                item: 2,
            },
            Container::Enum {
                ty: TWTY_UINT16,
                items: vec![0, 1, 2],
                current: 2,
                default: 2,
            },
            Container::Enum {
                ty: TWTY_FIX32,
                items: [100.0, 200.0, 300.0]
                    .iter()
                    .map(|v| encode_item(TWTY_FIX32, *v))
                    .collect(),
                current: 1,
                default: 1,
            },
            Container::Range {
                ty: TWTY_FIX32,
                min: encode_item(TWTY_FIX32, 50.0),
                max: encode_item(TWTY_FIX32, 600.0),
                step: encode_item(TWTY_FIX32, 50.0),
                default: encode_item(TWTY_FIX32, 200.0),
                current: encode_item(TWTY_FIX32, 300.0),
            },
            Container::Array {
                ty: TWTY_UINT16,
                items: vec![0x1002, 0x1013],
            },
            Container::One {
                ty: TWTY_BOOL,
                item: 1,
            },
        ];
        for c in cases {
            let b = c.to_bytes().unwrap();
            assert_eq!(Container::byte_len(c.con_type(), &b), Some(b.len()), "{c:?}");
            assert_eq!(Container::from_bytes(c.con_type(), &b).unwrap(), c);
        }
    }

    #[test]
    fn range_values_expand() {
        let r = Container::Range {
            ty: TWTY_FIX32,
            min: encode_item(TWTY_FIX32, 100.0),
            max: encode_item(TWTY_FIX32, 600.0),
            step: encode_item(TWTY_FIX32, 100.0),
            default: encode_item(TWTY_FIX32, 200.0),
            current: encode_item(TWTY_FIX32, 200.0),
        };
        let v: Vec<f64> = r.values().iter().map(|x| item_f64(TWTY_FIX32, *x)).collect();
        assert_eq!(v, vec![100.0, 200.0, 300.0, 400.0, 500.0, 600.0]);
        assert_eq!(item_i32(TWTY_INT16, encode_item(TWTY_INT16, -1.0)), -1);
    }

    #[test]
    fn truncated_container_is_an_error() {
        let b = Container::Enum {
            ty: TWTY_UINT16,
            items: vec![1, 2, 3],
            current: 0,
            default: 0,
        }
        .to_bytes()
        .unwrap();
        assert!(Container::from_bytes(TWON_ENUMERATION, &b[..b.len() - 1]).is_err());
    }
}
