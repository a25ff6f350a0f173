//! Sheet counting (seed 002, II.2.c step 1): "the number of images equals the number of input pages, in order",
//! "scan both sides unless every sheet is blank on one side", "two scans for a page carrying a sticky note".
//!
//! The operator declares the dossier's sheets and whether it is scanned one- or two-sided, and marks the sides that
//! carry a sticky note. The images received are then laid onto the expected sequence in feed order, so a missing
//! or extra image is reported with both numbers instead of being noticed (or not) at the archive's sample check.
//! Pure logic: blankness comes from the caller (the separator's or the imaging crate's blank detector).

use serde::{Deserialize, Serialize};

use crate::Side;

/// How many sides of every sheet are scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plex {
    Simplex,
    Duplex,
}

impl Plex {
    pub fn sides(self) -> u32 {
        match self {
            Plex::Simplex => 1,
            Plex::Duplex => 2,
        }
    }
}

/// One side of one sheet, 1-based sheet number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SheetSide {
    pub sheet: u32,
    pub side: Side,
}

/// What the operator declared before (or while) scanning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetDeclaration {
    pub sheets: u32,
    pub plex: Plex,
    /// Sides carrying a sticky note: each is scanned twice, first with the note, then with the note lifted
    /// (the order an officer naturally works in at the flatbed).
    #[serde(default)]
    pub sticky_notes: Vec<SheetSide>,
}

/// What is known about one received image; `blank` comes from a blank-page detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ImageFacts {
    pub blank: bool,
}

/// Which of the two sticky-note scans an image is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StickyRole {
    WithNote,
    WithoutNote,
}

/// Flags an officer must see on a page's thumbnail. Blank pages are flagged, never dropped (NAPS2 #440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PageFlags {
    /// The back of a sheet is blank: kept, because seed 002 wants both sides unless every sheet is blank on one.
    pub blank_back: bool,
    /// A front is blank: usually a sheet fed the wrong way round.
    pub blank_front: bool,
    /// More images came than were declared; this one has no expected place.
    pub unexpected: bool,
}

/// One received image placed on the expected sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountedPage {
    /// Position in the received images (0-based).
    pub index: usize,
    /// `None` for an image beyond the declared sequence.
    pub place: Option<SheetSide>,
    pub sticky: Option<StickyRole>,
    pub flags: PageFlags,
}

/// The two scans of a side carrying a sticky note, linked so both are stored and shown together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StickyPair {
    pub place: SheetSide,
    pub with_note: usize,
    pub without_note: usize,
}

/// Images expected (sheets × sides + one extra per sticky note) against images received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("expected {expected} images, received {received}")]
pub struct CountMismatch {
    pub expected: u32,
    pub received: u32,
}

impl CountMismatch {
    pub fn code(&self) -> &'static str {
        if self.received < self.expected {
            "scan.count_missing"
        } else {
            "scan.count_extra"
        }
    }

    pub fn message_vi(&self) -> String {
        if self.received < self.expected {
            format!(
                "Thiếu ảnh: cần {} ảnh nhưng chỉ nhận được {} (thiếu {})",
                self.expected,
                self.received,
                self.expected - self.received
            )
        } else {
            format!(
                "Thừa ảnh: cần {} ảnh nhưng nhận được {} (thừa {})",
                self.expected,
                self.received,
                self.received - self.expected
            )
        }
    }
}

/// The outcome of a count check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetReport {
    pub expected_images: u32,
    pub received_images: u32,
    /// `Err` when the numbers differ; the pages are still all kept and placed as far as they go.
    pub count: Result<(), CountMismatch>,
    pub pages: Vec<CountedPage>,
    /// Expected sides no image arrived for (the tail of the sequence when images are missing).
    pub missing: Vec<SheetSide>,
    pub sticky_pairs: Vec<StickyPair>,
    /// Duplex declared and every back came out blank: seed 002 allows one-sided scanning for such a dossier,
    /// so the officer may choose to drop the backs; the software never does it by itself.
    pub all_backs_blank: bool,
}

impl SheetReport {
    pub fn is_ok(&self) -> bool {
        self.count.is_ok()
    }

    /// One line for the officer, e.g. "3 tờ × 2 mặt = 6 ảnh; đã nhận 6 ảnh; 2 mặt sau trắng (giữ lại, đã đánh dấu)".
    pub fn summary_vi(&self, decl: &SheetDeclaration) -> String {
        let mut s = format!("{} tờ × {} mặt", decl.sheets, decl.plex.sides());
        let sticky = self
            .expected_images
            .saturating_sub(decl.sheets * decl.plex.sides());
        if sticky > 0 {
            s.push_str(&format!(" + {sticky} ảnh giấy ghi chú"));
        }
        s.push_str(&format!(
            " = {} ảnh; đã nhận {} ảnh",
            self.expected_images, self.received_images
        ));
        if let Err(m) = &self.count {
            s.push_str(&format!(" — {}", m.message_vi()));
        }
        let blank_backs = self.pages.iter().filter(|p| p.flags.blank_back).count();
        if blank_backs > 0 {
            s.push_str(&format!("; {blank_backs} mặt sau trắng (giữ lại, đã đánh dấu)"));
        }
        sohoa_core::text::nfc(&s)
    }
}

/// The expected sequence of (place, sticky role) in feed order.
fn expected_sequence(decl: &SheetDeclaration) -> Vec<(SheetSide, Option<StickyRole>)> {
    let mut seq = Vec::new();
    for sheet in 1..=decl.sheets {
        let sides: &[Side] = match decl.plex {
            Plex::Simplex => &[Side::Front],
            Plex::Duplex => &[Side::Front, Side::Back],
        };
        for &side in sides {
            let place = SheetSide { sheet, side };
            if decl.sticky_notes.contains(&place) {
                seq.push((place, Some(StickyRole::WithNote)));
                seq.push((place, Some(StickyRole::WithoutNote)));
            } else {
                seq.push((place, None));
            }
        }
    }
    seq
}

/// Lays the received images onto the declared sequence, in order.
///
/// Sticky-note sides that are not on a declared sheet (sheet 0 or beyond `sheets`, or a back in simplex) are
/// ignored: they cannot be scanned, so they do not raise the expected count.
pub fn check_sheets(decl: &SheetDeclaration, images: &[ImageFacts]) -> SheetReport {
    let seq = expected_sequence(decl);
    let expected = u32::try_from(seq.len()).unwrap_or(u32::MAX);
    let received = u32::try_from(images.len()).unwrap_or(u32::MAX);

    let mut pages = Vec::with_capacity(images.len());
    let mut sticky_pairs = Vec::new();
    let mut pending_with_note: Option<(SheetSide, usize)> = None;
    for (index, facts) in images.iter().enumerate() {
        let slot = seq.get(index).copied();
        let (place, sticky) = match slot {
            Some((p, s)) => (Some(p), s),
            None => (None, None),
        };
        let flags = PageFlags {
            blank_back: facts.blank && place.is_some_and(|p| p.side == Side::Back),
            blank_front: facts.blank && place.is_some_and(|p| p.side == Side::Front),
            unexpected: place.is_none(),
        };
        match (place, sticky) {
            (Some(p), Some(StickyRole::WithNote)) => pending_with_note = Some((p, index)),
            (Some(p), Some(StickyRole::WithoutNote)) => {
                if let Some((q, with_note)) = pending_with_note.take()
                    && q == p
                {
                    sticky_pairs.push(StickyPair {
                        place: p,
                        with_note,
                        without_note: index,
                    });
                }
            }
            _ => {}
        }
        pages.push(CountedPage {
            index,
            place,
            sticky,
            flags,
        });
    }

    let mut missing: Vec<SheetSide> = seq.iter().skip(images.len()).map(|(p, _)| *p).collect();
    missing.dedup();

    let backs: Vec<&CountedPage> = pages
        .iter()
        .filter(|p| p.place.is_some_and(|pl| pl.side == Side::Back))
        .collect();
    let all_backs_blank =
        decl.plex == Plex::Duplex && !backs.is_empty() && backs.iter().all(|p| p.flags.blank_back);

    let count = if expected == received {
        Ok(())
    } else {
        Err(CountMismatch { expected, received })
    };
    SheetReport {
        expected_images: expected,
        received_images: received,
        count,
        pages,
        missing,
        sticky_pairs,
        all_backs_blank,
    }
}

impl From<&crate::separate::SeparatedPage> for ImageFacts {
    fn from(p: &crate::separate::SeparatedPage) -> Self {
        ImageFacts { blank: p.blank.blank }
    }
}
