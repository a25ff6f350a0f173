//! Free space of the disk holding a path (`statvfs`); std has no portable call for it.
#![allow(unsafe_code)]

use std::io;
use std::path::Path;

#[cfg(unix)]
pub(crate) fn available_bytes(path: &Path) -> io::Result<u64> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` points to writable memory of the right type; statvfs
    // fully initialises it when it returns 0, and we read it only then.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: rc == 0, so statvfs initialised the struct.
    let st = unsafe { st.assume_init() };
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    Ok(u64::from(st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
}

/// Not measured on other platforms yet (Windows needs GetDiskFreeSpaceExW); reported as a warning.
#[cfg(not(unix))]
pub(crate) fn available_bytes(_path: &Path) -> io::Result<u64> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "free-space measurement not implemented on this platform",
    ))
}
