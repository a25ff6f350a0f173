//! Identifying the owner at the counter from the citizen's CCCD card: one scan of the card, its QR code (front)
//! or MRZ (back) read, and the fields it carries handed to the reception form, each with its confidence and
//! the checks it failed. Nothing is stored: the officer confirms what goes into the record.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use sohoa_ocr::{Extractor, Field, KindHint, OcrConfig, OcrEngine, Profiles};
use sohoa_scan::{Device, ScanError, ScanSettings};

use crate::{Acting, Action, Engine, EngineError, ScanRecordError};

/// What the card said.
#[derive(Debug, Clone, Serialize)]
pub struct CardReading {
    /// Record fields only (`owner_id`, `full_name`, `birth_date` as YYYY-MM-DD, `sex`, `cmnd_number`, …).
    pub fields: Vec<Field>,
    /// Problems over several fields (QR and MRZ disagree, …), Vietnamese.
    pub issues: Vec<String>,
}

impl Engine {
    /// Scans one side of a card with `device` and reads it. A scan that yields no code is refused with
    /// `card.not_read` (card upside down, glare on the QR, the wrong side for a scanner that cannot read MRZ).
    pub fn read_id_card(
        &self,
        device: &mut dyn Device,
        settings: &ScanSettings,
        cancel: &AtomicBool,
    ) -> Result<CardReading, ScanRecordError> {
        let mut one = settings.clone();
        one.max_pages = Some(1);
        let page = {
            let mut stream = device.scan(&one)?;
            let first = stream.next_page().unwrap_or(Err(ScanError::FeederEmpty))?;
            // Asking once more lets the device close the job out: a watched folder acknowledges the file taken
            // only then (else it offers the card again, into the next batch). A device that ignores the page
            // limit and sends another is stopped.
            if let Some(Ok(_)) = stream.next_page() {
                stream.cancel();
            }
            first
        };
        if cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Cancelled.into());
        }
        let dpi = ((page.dpi_x + page.dpi_y) / 2.0).round().clamp(72.0, 1200.0) as u32;
        self.read_card_image(&page.image.to_luma8(), dpi)
    }

    /// [`Engine::read_id_card`] on an image already in hand (an imported photo of the card).
    pub fn read_card_image(&self, gray: &image::GrayImage, dpi: u32) -> Result<CardReading, ScanRecordError> {
        let profiles = Profiles::embedded().map_err(|e| EngineError::Card(e.to_string()))?;
        let mut extractor = Extractor::new(profiles, self.catalogs.clone());
        extractor.today = crate::records::today_vn();
        // The QR needs no OCR; the engine is only loaded for an MRZ (back side).
        let ex = match extractor.read_qr(gray) {
            Some(ex) => ex,
            None => {
                let mut ocr =
                    OcrEngine::new(&OcrConfig::default()).map_err(|e| EngineError::Card(e.to_string()))?;
                extractor
                    .extract(&mut ocr, &[(gray.clone(), dpi)], KindHint::Cccd)
                    .map_err(|e| EngineError::Card(e.to_string()))?
            }
        };
        // Only what a record can take: the card's expiry or MRZ name have no record field, and its issue date
        // and issuer describe the identity paper of an owner WITHOUT a personal number — the card always
        // carries the number, so the record would refuse them (field.not_for_owner).
        let fields: Vec<Field> = ex
            .fields
            .into_iter()
            .filter(|f| sohoa_core::record::field_def(&f.key).is_some())
            .filter(|f| !sohoa_core::record::UNIDENTIFIED_OWNER_KEYS.contains(&f.key.as_str()))
            .collect();
        if !fields.iter().any(|f| f.key == "owner_id") {
            return Err(EngineError::CardNotRead.into());
        }
        // The number read is personal data: only that a card was read is logged.
        tracing::info!(fields = fields.len(), "id card read");
        Ok(CardReading {
            fields,
            issues: ex.issues.into_iter().map(|i| i.message_vi).collect(),
        })
    }
}

impl Acting<'_> {
    pub fn read_id_card(
        &self,
        device: &mut dyn Device,
        settings: &ScanSettings,
        cancel: &AtomicBool,
    ) -> Result<CardReading, ScanRecordError> {
        self.require(Action::CreateRecord)?
            .read_id_card(device, settings, cancel)
    }
}
