//! TWAIN 2.4 wire types (twain.h), shared by the backend and the test fake.
//!
//! twain.h sets `#pragma pack(2)` for MSVC *and* for GCC on Linux (only macOS uses `align=power`), so every
//! struct here is `repr(C, packed(2))`. `TW_UINT32`/`TW_INT32` are 4 bytes on every platform since 2.4a
//! (before that, Linux x86-64 used an 8-byte `long`); handles and `TW_MEMREF` are pointers. The entry point
//! uses the Pascal convention on Windows (`stdcall` on 32-bit), which is `extern "system"` in Rust and the
//! C convention elsewhere. macOS is not supported (its TW_IDENTITY.Id is a pointer and strings are Pascal).
//!
//! Fields are read by copy (`{ s.field }`) because references into packed structs are not allowed.

use std::ffi::c_void;

pub type TwHandle = *mut c_void;
pub type TwMemRef = *mut c_void;

pub type DsmEntryProc = unsafe extern "system" fn(
    origin: *mut TwIdentity,
    dest: *mut TwIdentity,
    dg: u32,
    dat: u16,
    msg: u16,
    data: TwMemRef,
) -> u16;
pub type MemAllocateProc = unsafe extern "system" fn(size: u32) -> TwHandle;
pub type MemFreeProc = unsafe extern "system" fn(handle: TwHandle);
pub type MemLockProc = unsafe extern "system" fn(handle: TwHandle) -> TwMemRef;
pub type MemUnlockProc = unsafe extern "system" fn(handle: TwHandle);

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TwFix32 {
    pub whole: i16,
    pub frac: u16,
}

impl TwFix32 {
    pub fn from_f64(v: f64) -> Self {
        // twain.h's FloatToFix32: round to the nearest 1/65536.
        let scaled = (v * 65536.0 + if v < 0.0 { -0.5 } else { 0.5 }) as i32;
        TwFix32 {
            whole: (scaled >> 16) as i16,
            frac: (scaled & 0xffff) as u16,
        }
    }
    pub fn to_f64(self) -> f64 {
        f64::from(self.whole) + f64::from(self.frac) / 65536.0
    }
    pub fn to_u32(self) -> u32 {
        (u32::from(self.whole as u16) & 0xffff) | (u32::from(self.frac) << 16)
    }
    /// How a FIX32 travels in the 32-bit `Item` of a container: Whole in the low half, Frac in the high
    /// half (the struct's memory image on a little-endian machine).
    pub fn from_u32(v: u32) -> Self {
        TwFix32 {
            whole: (v & 0xffff) as u16 as i16,
            frac: (v >> 16) as u16,
        }
    }
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwFrame {
    pub left: TwFix32,
    pub top: TwFix32,
    pub right: TwFix32,
    pub bottom: TwFix32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwVersion {
    pub major_num: u16,
    pub minor_num: u16,
    pub language: u16,
    pub country: u16,
    pub info: [u8; 34],
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwIdentity {
    pub id: u32,
    pub version: TwVersion,
    pub protocol_major: u16,
    pub protocol_minor: u16,
    pub supported_groups: u32,
    pub manufacturer: [u8; 34],
    pub product_family: [u8; 34],
    pub product_name: [u8; 34],
}

impl TwIdentity {
    pub fn zeroed() -> Self {
        TwIdentity {
            id: 0,
            version: TwVersion {
                major_num: 0,
                minor_num: 0,
                language: 0,
                country: 0,
                info: [0; 34],
            },
            protocol_major: 0,
            protocol_minor: 0,
            supported_groups: 0,
            manufacturer: [0; 34],
            product_family: [0; 34],
            product_name: [0; 34],
        }
    }
}

/// Copies `s` into a TW_STR32 (33 bytes + NUL), truncating on a UTF-8 boundary.
pub fn str32(s: &str) -> [u8; 34] {
    let mut out = [0u8; 34];
    let mut end = s.len().min(33);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out[..end].copy_from_slice(&s.as_bytes()[..end]);
    out
}

/// Reads a NUL-terminated TWAIN string. Sources write UTF-8 or Latin-1; invalid bytes become U+FFFD.
pub fn from_str32(b: &[u8; 34]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwCapability {
    pub cap: u16,
    pub con_type: u16,
    pub h_container: TwHandle,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwOneValue {
    pub item_type: u16,
    pub item: u32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwRange {
    pub item_type: u16,
    pub min_value: u32,
    pub max_value: u32,
    pub step_size: u32,
    pub default_value: u32,
    pub current_value: u32,
}

/// Header of TW_ENUMERATION; `ItemList` follows at offset 14.
#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwEnumerationHeader {
    pub item_type: u16,
    pub num_items: u32,
    pub current_index: u32,
    pub default_index: u32,
}

/// Header of TW_ARRAY; `ItemList` follows at offset 6.
#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwArrayHeader {
    pub item_type: u16,
    pub num_items: u32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwCallback {
    pub call_back_proc: TwMemRef,
    pub ref_con: u32,
    pub message: i16,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwCallback2 {
    pub call_back_proc: TwMemRef,
    pub ref_con: usize,
    pub message: i16,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwImageInfo {
    pub x_resolution: TwFix32,
    pub y_resolution: TwFix32,
    pub image_width: i32,
    pub image_length: i32,
    pub samples_per_pixel: i16,
    pub bits_per_sample: [i16; 8],
    pub bits_per_pixel: i16,
    pub planar: u16,
    pub pixel_type: i16,
    pub compression: u16,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwImageLayout {
    pub frame: TwFrame,
    pub document_number: u32,
    pub page_number: u32,
    pub frame_number: u32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwMemory {
    pub flags: u32,
    pub length: u32,
    pub the_mem: TwMemRef,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwImageMemXfer {
    pub compression: u16,
    pub bytes_per_row: u32,
    pub columns: u32,
    pub rows: u32,
    pub x_offset: u32,
    pub y_offset: u32,
    pub bytes_written: u32,
    pub memory: TwMemory,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwPendingXfers {
    pub count: u16,
    pub eoj: u32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwSetupMemXfer {
    pub min_buf_size: u32,
    pub max_buf_size: u32,
    pub preferred: u32,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwStatus {
    pub condition_code: u16,
    pub data: u16,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwUserInterface {
    pub show_ui: u16,
    pub modal_ui: u16,
    pub h_parent: TwHandle,
}

/// One TW_INFO of DAT_EXTIMAGEINFO; values that fit in a pointer are stored in `item` itself.
#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwInfo {
    pub info_id: u16,
    pub item_type: u16,
    pub num_items: u16,
    pub return_code: u16,
    pub item: usize,
}

/// TW_EXTIMAGEINFO asking for exactly one attribute.
#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug, Default)]
pub struct TwExtImageInfo1 {
    pub num_infos: u32,
    pub info: TwInfo,
}

/// DAT_EVENT (Windows message loop): the app hands each window message to the source.
#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwEvent {
    pub p_event: TwMemRef,
    pub tw_message: u16,
}

#[repr(C, packed(2))]
#[derive(Clone, Copy, Debug)]
pub struct TwEntryPoint {
    pub size: u32,
    pub dsm_entry: Option<DsmEntryProc>,
    pub mem_allocate: Option<MemAllocateProc>,
    pub mem_free: Option<MemFreeProc>,
    pub mem_lock: Option<MemLockProc>,
    pub mem_unlock: Option<MemUnlockProc>,
}

#[path = "ffi_consts.rs"]
mod consts;
pub use consts::*;

/// Size in bytes of one item of a container's list.
pub fn item_size(item_type: u16) -> Option<usize> {
    Some(match item_type {
        TWTY_INT8 | TWTY_UINT8 => 1,
        TWTY_INT16 | TWTY_UINT16 | TWTY_BOOL => 2,
        TWTY_INT32 | TWTY_UINT32 | TWTY_FIX32 => 4,
        TWTY_FRAME => 16,
        TWTY_STR32 => 34,
        TWTY_STR64 => 66,
        TWTY_STR128 => 130,
        TWTY_STR255 => 256,
        TWTY_HANDLE => std::mem::size_of::<TwHandle>(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    /// Sizes computed by hand from twain.h with pack(2); a wrong one would corrupt every call.
    #[test]
    fn struct_sizes_match_twain_h_pack2() {
        let p = size_of::<*mut c_void>();
        assert_eq!(size_of::<TwFix32>(), 4);
        assert_eq!(size_of::<TwVersion>(), 42);
        assert_eq!(size_of::<TwIdentity>(), 4 + 42 + 2 + 2 + 4 + 34 * 3);
        assert_eq!(size_of::<TwCapability>(), 4 + p);
        assert_eq!(size_of::<TwOneValue>(), 6);
        assert_eq!(size_of::<TwRange>(), 22);
        assert_eq!(size_of::<TwEnumerationHeader>(), 14);
        assert_eq!(size_of::<TwArrayHeader>(), 6);
        assert_eq!(size_of::<TwImageInfo>(), 8 + 8 + 2 + 16 + 2 + 2 + 2 + 2);
        assert_eq!(size_of::<TwMemory>(), 8 + p);
        assert_eq!(size_of::<TwImageMemXfer>(), 2 + 24 + 8 + p);
        assert_eq!(size_of::<TwPendingXfers>(), 6);
        assert_eq!(size_of::<TwSetupMemXfer>(), 12);
        assert_eq!(size_of::<TwStatus>(), 4);
        assert_eq!(size_of::<TwUserInterface>(), 4 + p);
        assert_eq!(size_of::<TwEntryPoint>(), 4 + 5 * p);
        assert_eq!(size_of::<TwCallback>(), p + 4 + 2);
        assert_eq!(size_of::<TwCallback2>(), 2 * p + 2);
        assert_eq!(size_of::<TwImageLayout>(), 16 + 12);
        assert_eq!(size_of::<TwInfo>(), 8 + p);
        assert_eq!(size_of::<TwExtImageInfo1>(), 4 + 8 + p);
    }

    #[test]
    fn fix32_round_trips() {
        for v in [0.0, 1.5, 300.0, 8.27, -2.25] {
            let f = TwFix32::from_f64(v);
            assert!((f.to_f64() - v).abs() < 1.0 / 65536.0, "{v}");
            assert_eq!(TwFix32::from_u32(f.to_u32()), f);
        }
    }

    #[test]
    fn str32_truncates_on_char_boundary() {
        let s = "Máy quét Đặng Văn Ơn — bộ nạp giấy hai mặt";
        let b = str32(s);
        assert_eq!(b[33], 0);
        let back = from_str32(&b);
        assert!(s.starts_with(&back));
        assert!(!back.contains('\u{fffd}'));
    }
}
