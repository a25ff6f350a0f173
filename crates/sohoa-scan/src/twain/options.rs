//! Capabilities exposed as named backend options (`Device::set_option`), so profiles can say
//! `auto-deskew = true` without knowing TWAIN numbers. Custom vendor capabilities (>= 0x8000) are reached
//! as `cap-0x8001`.

use super::ffi::*;

#[derive(Debug, Clone, Copy)]
pub struct CapOption {
    pub name: &'static str,
    pub title: &'static str,
    pub cap: u16,
    pub item_type: u16,
}

pub const CAP_OPTIONS: &[CapOption] = &[
    CapOption {
        name: "auto-deskew",
        title: "Tự chỉnh nghiêng (máy quét)",
        cap: ICAP_AUTOMATICDESKEW,
        item_type: TWTY_BOOL,
    },
    CapOption {
        name: "auto-rotate",
        title: "Tự xoay trang (máy quét)",
        cap: ICAP_AUTOMATICROTATE,
        item_type: TWTY_BOOL,
    },
    CapOption {
        name: "auto-border",
        title: "Tự cắt viền (máy quét)",
        cap: ICAP_AUTOMATICBORDERDETECTION,
        item_type: TWTY_BOOL,
    },
    // TWBP_DISABLE (-2) / TWBP_AUTO (-1); set through the Bool "blank-discard" below.
    CapOption {
        name: "blank-discard",
        title: "Bỏ trang trắng (máy quét)",
        cap: ICAP_AUTODISCARDBLANKPAGES,
        item_type: TWTY_INT32,
    },
    CapOption {
        name: "double-feed-detection",
        title: "Phát hiện kéo hai tờ",
        cap: CAP_DOUBLEFEEDDETECTION,
        item_type: TWTY_UINT16,
    },
    CapOption {
        name: "brightness",
        title: "Độ sáng",
        cap: ICAP_BRIGHTNESS,
        item_type: TWTY_FIX32,
    },
    CapOption {
        name: "contrast",
        title: "Độ tương phản",
        cap: ICAP_CONTRAST,
        item_type: TWTY_FIX32,
    },
];

pub fn cap_by_name(name: &str) -> Option<CapOption> {
    CAP_OPTIONS.iter().copied().find(|o| o.name == name)
}

pub fn cap_by_id(cap: u16) -> Option<CapOption> {
    CAP_OPTIONS.iter().copied().find(|o| o.cap == cap).or_else(|| {
        let name = match cap {
            CAP_XFERCOUNT => "CAP_XFERCOUNT",
            ICAP_PIXELTYPE => "ICAP_PIXELTYPE",
            ICAP_XFERMECH => "ICAP_XFERMECH",
            ICAP_UNITS => "ICAP_UNITS",
            ICAP_XRESOLUTION => "ICAP_XRESOLUTION",
            ICAP_YRESOLUTION => "ICAP_YRESOLUTION",
            CAP_FEEDERENABLED => "CAP_FEEDERENABLED",
            CAP_FEEDERLOADED => "CAP_FEEDERLOADED",
            CAP_DUPLEX => "CAP_DUPLEX",
            CAP_DUPLEXENABLED => "CAP_DUPLEXENABLED",
            _ => return None,
        };
        Some(CapOption {
            name,
            title: name,
            cap,
            item_type: TWTY_UINT16,
        })
    })
}

/// `cap-0x8001` → 0x8001.
pub fn parse_custom(name: &str) -> Option<u16> {
    let hex = name
        .strip_prefix("cap-0x")
        .or_else(|| name.strip_prefix("cap-0X"))?;
    u16::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve() {
        assert_eq!(
            cap_by_name("auto-deskew").map(|c| c.cap),
            Some(ICAP_AUTOMATICDESKEW)
        );
        assert_eq!(parse_custom("cap-0x8001"), Some(0x8001));
        assert_eq!(parse_custom("cap-zz"), None);
        assert_eq!(
            cap_by_id(ICAP_XRESOLUTION).map(|c| c.name),
            Some("ICAP_XRESOLUTION")
        );
    }
}
