//! eSCL documents: ScannerCapabilities and ScannerStatus parsed by local element name (devices disagree
//! on prefixes, and some put `pwg:` elements where the spec has `scan:`), and the ScanSettings request.

use crate::{ColorMode, Resolutions, ScanError, ScanSettings, Source};

pub const NS_SCAN: &str = "http://schemas.hp.com/imaging/escl/2011/05/03";
pub const NS_PWG: &str = "http://www.pwg.org/schemas/2010/12/sm";

/// What the scanner says it can do.
#[derive(Debug, Clone, PartialEq)]
pub struct EsclCaps {
    pub make_and_model: String,
    pub manufacturer: String,
    pub sources: Vec<Source>,
    pub modes: Vec<ColorMode>,
    pub resolutions: Vec<u32>,
    pub resolution_range: Option<(u32, u32, u32)>,
    pub formats: Vec<String>,
    /// In 1/300 inch, as eSCL counts.
    pub max_width: u32,
    pub max_height: u32,
}

fn doc(xml: &str) -> Result<roxmltree::Document<'_>, ScanError> {
    roxmltree::Document::parse(xml).map_err(|e| ScanError::Protocol(format!("eSCL XML: {e}")))
}

fn texts<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<&'a str> {
    node.descendants()
        .filter(|n| n.tag_name().name() == name)
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect()
}

fn first_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    texts(node, name).into_iter().next()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.descendants().find(|n| n.tag_name().name() == name)
}

pub fn parse_capabilities(xml: &str) -> Result<EsclCaps, ScanError> {
    let d = doc(xml)?;
    let root = d.root_element();
    if root.tag_name().name() != "ScannerCapabilities" {
        return Err(ScanError::Protocol(format!(
            "expected ScannerCapabilities, got {}",
            root.tag_name().name()
        )));
    }
    let mut sources = Vec::new();
    let mut input_caps = Vec::new();
    if let Some(p) = child(root, "PlatenInputCaps") {
        sources.push(Source::Flatbed);
        input_caps.push(p);
    }
    if let Some(a) = child(root, "AdfSimplexInputCaps") {
        sources.push(Source::Adf);
        input_caps.push(a);
    }
    let adf_duplex = child(root, "AdfDuplexInputCaps");
    let duplex_option = child(root, "Adf").is_some_and(|a| texts(a, "AdfOption").contains(&"Duplex"));
    if adf_duplex.is_some() || duplex_option {
        if !sources.contains(&Source::Adf) {
            sources.push(Source::Adf);
        }
        sources.push(Source::AdfDuplex);
        input_caps.extend(adf_duplex);
    }
    let mut modes = Vec::new();
    let mut resolutions = Vec::new();
    let mut range = None;
    let mut formats = Vec::new();
    let (mut max_width, mut max_height) = (0u32, 0u32);
    for ic in input_caps {
        for m in texts(ic, "ColorMode") {
            let mode = match m {
                "BlackAndWhite1" => ColorMode::Bw,
                "Grayscale8" | "Grayscale16" => ColorMode::Gray,
                "RGB24" | "RGB48" => ColorMode::Color,
                _ => continue,
            };
            if !modes.contains(&mode) {
                modes.push(mode);
            }
        }
        for r in ic
            .descendants()
            .filter(|n| n.tag_name().name() == "DiscreteResolution")
        {
            if let Some(x) = first_text(r, "XResolution").and_then(|t| t.parse::<u32>().ok())
                && !resolutions.contains(&x)
            {
                resolutions.push(x);
            }
        }
        if let Some(xr) = child(ic, "XResolutionRange") {
            let num = |n: &str| first_text(xr, n).and_then(|t| t.parse::<u32>().ok());
            if let (Some(min), Some(max)) = (num("Min"), num("Max")) {
                range = Some((min, max, num("Step").unwrap_or(1).max(1)));
            }
        }
        for f in texts(ic, "DocumentFormat")
            .into_iter()
            .chain(texts(ic, "DocumentFormatExt"))
        {
            if !formats.iter().any(|x| x == f) {
                formats.push(f.to_owned());
            }
        }
        let num = |n: &str| first_text(ic, n).and_then(|t| t.parse::<u32>().ok()).unwrap_or(0);
        max_width = max_width.max(num("MaxWidth"));
        max_height = max_height.max(num("MaxHeight"));
    }
    resolutions.sort_unstable();
    Ok(EsclCaps {
        make_and_model: first_text(root, "MakeAndModel")
            .unwrap_or("eSCL scanner")
            .to_owned(),
        manufacturer: first_text(root, "Manufacturer").unwrap_or("").to_owned(),
        sources,
        modes,
        resolutions,
        resolution_range: range,
        formats,
        max_width,
        max_height,
    })
}

impl EsclCaps {
    pub fn resolutions(&self) -> Resolutions {
        match (self.resolutions.is_empty(), self.resolution_range) {
            (true, Some((min, max, step))) => Resolutions::Range { min, max, step },
            _ => Resolutions::List {
                values: self.resolutions.clone(),
            },
        }
    }

    /// PNG when offered (lossless for OCR), else JPEG; PDF-only scanners are not supported.
    pub fn best_format(&self) -> Option<&'static str> {
        ["image/png", "image/jpeg"]
            .into_iter()
            .find(|f| self.formats.iter().any(|x| x == f))
    }
}

/// `pwg:State` of ScannerStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScannerState {
    Idle,
    Processing,
    Testing,
    Stopped,
    Down,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EsclStatus {
    pub state: ScannerState,
    /// e.g. ScannerAdfLoaded, ScannerAdfEmpty, ScannerAdfJam (absent on platen-only devices).
    pub adf_state: Option<String>,
}

pub fn parse_status(xml: &str) -> Result<EsclStatus, ScanError> {
    let d = doc(xml)?;
    let root = d.root_element();
    let state = match first_text(root, "State") {
        Some("Idle") => ScannerState::Idle,
        Some("Processing") => ScannerState::Processing,
        Some("Testing") => ScannerState::Testing,
        Some("Stopped") => ScannerState::Stopped,
        Some("Down") => ScannerState::Down,
        other => return Err(ScanError::Protocol(format!("eSCL scanner state {other:?}"))),
    };
    Ok(EsclStatus {
        state,
        adf_state: first_text(root, "AdfState").map(str::to_owned),
    })
}

impl EsclStatus {
    /// The paper fault this status reports, if any.
    pub fn fault(&self) -> Option<ScanError> {
        let adf = self.adf_state.as_deref().unwrap_or("");
        Some(match adf {
            "ScannerAdfJam" | "ScannerAdfMispick" => ScanError::Jammed,
            "ScannerAdfMultipickDetected" => ScanError::DoubleFeed,
            "ScannerAdfDoorOpen" | "ScannerAdfHatchOpen" => ScanError::CoverOpen,
            "ScannerAdfEmpty" => ScanError::FeederEmpty,
            _ if self.state == ScannerState::Down => ScanError::Io("the scanner reports Down".into()),
            _ => return None,
        })
    }
}

/// The `scan:ScanSettings` body of POST /ScanJobs.
pub fn scan_settings_xml(s: &ScanSettings, caps: &EsclCaps, format: &str) -> String {
    let mode = match s.mode {
        ColorMode::Color => "RGB24",
        ColorMode::Gray => "Grayscale8",
        ColorMode::Bw => "BlackAndWhite1",
    };
    let (input, duplex) = match s.source {
        Source::Flatbed => ("Platen", None),
        Source::Adf => ("Feeder", Some(false)),
        Source::AdfDuplex => ("Feeder", Some(true)),
    };
    let to300 = |mm: f64| (mm / 25.4 * 300.0).round().max(0.0) as u32;
    let (x, y, w, h) = match s.area {
        Some(a) => (
            to300(a.x_mm),
            to300(a.y_mm),
            to300(a.width_mm),
            to300(a.height_mm),
        ),
        None => (0, 0, caps.max_width, caps.max_height),
    };
    let region = if w > 0 && h > 0 {
        format!(
            "<pwg:ScanRegions><pwg:ScanRegion><pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>\
             <pwg:XOffset>{x}</pwg:XOffset><pwg:YOffset>{y}</pwg:YOffset><pwg:Width>{w}</pwg:Width><pwg:Height>{h}</pwg:Height>\
             </pwg:ScanRegion></pwg:ScanRegions>"
        )
    } else {
        String::new()
    };
    let duplex = duplex
        .map(|d| format!("<scan:Duplex>{d}</scan:Duplex>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scan:ScanSettings xmlns:scan=\"{NS_SCAN}\" xmlns:pwg=\"{NS_PWG}\">\
         <pwg:Version>2.0</pwg:Version>{region}<pwg:InputSource>{input}</pwg:InputSource>{duplex}\
         <scan:ColorMode>{mode}</scan:ColorMode><scan:XResolution>{dpi}</scan:XResolution>\
         <scan:YResolution>{dpi}</scan:YResolution><pwg:DocumentFormat>{format}</pwg:DocumentFormat>\
         <scan:DocumentFormatExt>{format}</scan:DocumentFormatExt></scan:ScanSettings>",
        dpi = s.dpi
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_faults_map_to_typed_errors() {
        let st = |adf: &str| {
            format!(
                "<scan:ScannerStatus xmlns:scan=\"{NS_SCAN}\" xmlns:pwg=\"{NS_PWG}\"><pwg:Version>2.0</pwg:Version><pwg:State>Idle</pwg:State><scan:AdfState>{adf}</scan:AdfState></scan:ScannerStatus>"
            )
        };
        assert_eq!(
            parse_status(&st("ScannerAdfJam")).unwrap().fault(),
            Some(ScanError::Jammed)
        );
        assert_eq!(
            parse_status(&st("ScannerAdfEmpty")).unwrap().fault(),
            Some(ScanError::FeederEmpty)
        );
        assert_eq!(
            parse_status(&st("ScannerAdfMultipickDetected")).unwrap().fault(),
            Some(ScanError::DoubleFeed)
        );
        assert_eq!(
            parse_status(&st("ScannerAdfHatchOpen")).unwrap().fault(),
            Some(ScanError::CoverOpen)
        );
        assert_eq!(parse_status(&st("ScannerAdfLoaded")).unwrap().fault(), None);
        assert!(parse_status("<x/>").is_err());
    }

    #[test]
    fn settings_xml_parses_back() {
        let caps = EsclCaps {
            make_and_model: "m".into(),
            manufacturer: String::new(),
            sources: vec![Source::Adf, Source::AdfDuplex],
            modes: vec![ColorMode::Color],
            resolutions: vec![300],
            resolution_range: None,
            formats: vec!["image/png".into()],
            max_width: 2550,
            max_height: 3508,
        };
        let s = ScanSettings {
            source: Source::AdfDuplex,
            mode: ColorMode::Color,
            dpi: 300,
            area: None,
            max_pages: None,
        };
        let xml = scan_settings_xml(&s, &caps, "image/png");
        let d = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(first_text(d.root_element(), "Duplex"), Some("true"));
        assert_eq!(first_text(d.root_element(), "InputSource"), Some("Feeder"));
        assert_eq!(first_text(d.root_element(), "Width"), Some("2550"));
    }
}
