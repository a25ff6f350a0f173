//! Vendor names of paper sources.
//!
//! The most common duplex failure in the field (NAPS2 #615, #131, #240) is a frontend that does not know
//! the vendor's word for "both sides" and silently scans fronts only. Names come from the device's quirk
//! first, then from the generic lists, then from keywords; a requested source with no matching name is an
//! error, never a fallback to simplex.

use crate::Source;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceNames {
    pub flatbed: Vec<String>,
    pub adf: Vec<String>,
    pub adf_duplex: Vec<String>,
}

const GENERIC_FLATBED: &[&str] = &["Flatbed", "FlatBed", "Platen", "Normal", "Document Table"];
const GENERIC_ADF: &[&str] = &[
    "Automatic Document Feeder",
    "ADF",
    "ADF Front",
    "ADF Simplex",
    "Simplex",
    "Feeder",
    "Document Feeder",
];
const GENERIC_DUPLEX: &[&str] = &[
    "ADF Duplex",
    "Duplex",
    "Automatic Document Feeder Duplex",
    "ADF Both",
    "Duplex ADF",
];

impl SourceNames {
    /// Quirk names first, generic names after.
    pub fn with_generic(mut self) -> SourceNames {
        let add = |v: &mut Vec<String>, g: &[&str]| v.extend(g.iter().map(|s| (*s).to_owned()));
        add(&mut self.flatbed, GENERIC_FLATBED);
        add(&mut self.adf, GENERIC_ADF);
        add(&mut self.adf_duplex, GENERIC_DUPLEX);
        self
    }

    fn names(&self, source: Source) -> &[String] {
        match source {
            Source::Flatbed => &self.flatbed,
            Source::Adf => &self.adf,
            Source::AdfDuplex => &self.adf_duplex,
        }
    }

    /// Which source a vendor string means.
    pub fn classify(&self, vendor: &str) -> Option<Source> {
        for s in [Source::AdfDuplex, Source::Adf, Source::Flatbed] {
            if self.names(s).iter().any(|n| n.eq_ignore_ascii_case(vendor)) {
                return Some(s);
            }
        }
        let l = vendor.to_ascii_lowercase();
        if l.contains("duplex") || l.contains("2-sided") || l.contains("both") {
            Some(Source::AdfDuplex)
        } else if l.contains("adf") || l.contains("feeder") || l.contains("1-sided") {
            Some(Source::Adf)
        } else if l.contains("flatbed") || l.contains("platen") {
            Some(Source::Flatbed)
        } else {
            None
        }
    }

    /// The device's own name for `source` among `choices`.
    pub fn vendor_name(&self, source: Source, choices: &[String]) -> Option<String> {
        for n in self.names(source) {
            if let Some(c) = choices.iter().find(|c| c.eq_ignore_ascii_case(n)) {
                return Some(c.clone());
            }
        }
        choices.iter().find(|c| self.classify(c) == Some(source)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_duplex_names_are_found() {
        let g = SourceNames::default().with_generic();
        let kyocera = ["DP/1-sided".to_owned(), "DP/2-sided".to_owned()];
        assert_eq!(
            g.vendor_name(Source::AdfDuplex, &kyocera).as_deref(),
            Some("DP/2-sided")
        );
        assert_eq!(
            g.vendor_name(Source::Adf, &kyocera).as_deref(),
            Some("DP/1-sided")
        );
        let fujitsu = [
            "ADF Front".to_owned(),
            "ADF Back".to_owned(),
            "ADF Duplex".to_owned(),
        ];
        assert_eq!(
            g.vendor_name(Source::AdfDuplex, &fujitsu).as_deref(),
            Some("ADF Duplex")
        );
        assert_eq!(g.vendor_name(Source::Adf, &fujitsu).as_deref(), Some("ADF Front"));
        let test = ["Flatbed".to_owned(), "Automatic Document Feeder".to_owned()];
        assert_eq!(g.vendor_name(Source::AdfDuplex, &test), None);
        assert_eq!(g.classify("Automatic Document Feeder"), Some(Source::Adf));
        assert_eq!(g.classify("Film"), None);
    }
}
