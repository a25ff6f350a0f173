//! The worker side: runs a driver in this (sacrificial) process and answers the app over stdin/stdout.

use std::io::{self, Read, Write};

use super::protocol::{self, Request, Response, WireError};
use crate::{Device, Driver, ScanError};

fn err(e: &ScanError) -> Response {
    Response::Error { error: e.into() }
}

fn no_device() -> Response {
    err(&ScanError::Protocol("no device is open in the worker".to_owned()))
}

/// Serves requests until `Close` or end of input.
pub fn serve(driver: &dyn Driver, r: &mut impl Read, w: &mut impl Write) -> io::Result<()> {
    protocol::send(
        w,
        &Response::Ready {
            version: protocol::VERSION,
        },
    )?;
    let mut device: Option<Box<dyn Device>> = None;
    loop {
        let req: Request = match protocol::recv(r) {
            Ok(req) => req,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let resp = match req {
            Request::Discover => match driver.discover() {
                Ok(devices) => Response::Devices { devices },
                Err(e) => err(&e),
            },
            Request::Open { id } => match driver.open(&id) {
                Ok(d) => {
                    let info = d.info().clone();
                    device = Some(d);
                    Response::Opened { info }
                }
                Err(e) => err(&e),
            },
            Request::Capabilities => match device.as_mut() {
                Some(d) => d
                    .capabilities()
                    .map_or_else(|e| err(&e), |caps| Response::Capabilities { caps }),
                None => no_device(),
            },
            Request::SetOption { name, value } => match device.as_mut() {
                Some(d) => d
                    .set_option(&name, value)
                    .map_or_else(|e| err(&e), |outcome| Response::Set { outcome }),
                None => no_device(),
            },
            Request::Scan { settings } => match device.as_mut() {
                Some(d) => match d.scan(&settings) {
                    Ok(mut stream) => {
                        protocol::send(w, &Response::ScanStarted)?;
                        if !scan_loop(stream.as_mut(), r, w)? {
                            return Ok(());
                        }
                        continue;
                    }
                    Err(e) => err(&e),
                },
                None => no_device(),
            },
            Request::NextPage | Request::Cancel | Request::EndScan => Response::EndOfScan,
            Request::Close => return Ok(()),
        };
        protocol::send(w, &resp)?;
    }
}

/// Pages of one scan; returns `false` when the app closed the worker meanwhile.
fn scan_loop(stream: &mut dyn crate::PageStream, r: &mut impl Read, w: &mut impl Write) -> io::Result<bool> {
    loop {
        let req: Request = match protocol::recv(r) {
            Ok(req) => req,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        };
        match req {
            Request::NextPage => match stream.next_page() {
                Some(Ok(page)) => {
                    let (header, bytes) = protocol::encode_page(&page);
                    protocol::send(w, &header)?;
                    protocol::write_frame(w, &bytes)?;
                }
                Some(Err(e)) => protocol::send(w, &err(&e))?,
                None => protocol::send(w, &Response::EndOfScan)?,
            },
            Request::Cancel => {
                stream.cancel();
                protocol::send(w, &Response::Done)?;
            }
            Request::EndScan => {
                protocol::send(w, &Response::Done)?;
                return Ok(true);
            }
            Request::Close => return Ok(false),
            _ => protocol::send(
                w,
                &Response::Error {
                    error: WireError::from(&ScanError::Protocol("a scan is in progress".to_owned())),
                },
            )?,
        }
    }
}
