//! Keeps the protocol channel clean: some SANE backends and vendor libraries print to stdout, which in the
//! worker is the pipe to the app. The protocol gets a private duplicate of stdout, and file descriptor 1
//! is pointed at stderr, so stray prints end up in the log instead of corrupting a frame.
#![allow(unsafe_code)]

use std::fs::File;

/// The protocol output; on non-Unix systems plain stdout (Windows TWAIN sources do not print).
#[cfg(unix)]
pub fn protocol_out() -> std::io::Result<File> {
    use std::os::fd::FromRawFd as _;
    // SAFETY: dup/dup2 on the process's own standard descriptors; the duplicate is owned by the returned
    // File from here on (closed exactly once, on drop), and fd 1 stays open (now a copy of fd 2).
    unsafe {
        let fd = libc::dup(1);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::dup2(2, 1) < 0 {
            let e = std::io::Error::last_os_error();
            libc::close(fd);
            return Err(e);
        }
        Ok(File::from_raw_fd(fd))
    }
}

#[cfg(not(unix))]
pub fn protocol_out() -> std::io::Result<File> {
    Err(std::io::Error::other("not needed on this platform"))
}
