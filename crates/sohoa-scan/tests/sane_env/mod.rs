//! A private SANE configuration with only the `test` backend, and the worker that uses it.

use std::path::Path;

use sohoa_scan::worker::{WorkerCommand, WorkerDriver};
use sohoa_scan::{ColorMode, DriverKind, ScanArea, ScanSettings, Source};

/// Writes `dll.conf` (only `test`) and a `test.conf` whose geometry fits A4, like the CI scanner.
pub fn sane_config(dir: &Path) {
    std::fs::write(dir.join("dll.conf"), "test\n").unwrap();
    let conf = "number_of_devices 2\nmode Gray\ndepth 8\nresolution_min 1.0\nresolution_max 1200.0\n\
                resolution_quant 1.0\nresolution 50.0\ngeometry_min 0.0\ngeometry_max 300.0\n\
                geometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 210.0\nbr_y 297.0\n";
    std::fs::write(dir.join("test.conf"), conf).unwrap();
}

pub fn worker(dir: &Path) -> WorkerDriver {
    let cmd = WorkerCommand::new(env!("CARGO_BIN_EXE_sohoa-scan-worker")).env("SANE_CONFIG_DIR", dir);
    WorkerDriver::new(cmd, DriverKind::Sane)
}

pub fn settings(source: Source, mode: ColorMode, dpi: u32) -> ScanSettings {
    ScanSettings {
        source,
        mode,
        dpi,
        area: Some(ScanArea {
            x_mm: 0.0,
            y_mm: 0.0,
            width_mm: 210.0,
            height_mm: 297.0,
        }),
        max_pages: None,
    }
}
