//! Signing a record's legal copy as the agency: the current pages become the PDF/A (with the OCR text layer),
//! which is signed with the Decree 30 "SAO Y" stamp and stored in the record as one new version. Nothing is
//! stored when the token refuses, is pulled or the certificate fails the trust checks.

use serde::Serialize;
use sohoa_pdf::{CopyForm, SignOptions};
use sohoa_sign::{KeySpec, Pin, Signer};

use crate::{Engine, EngineError, RecordPdfError};

/// The name of the signed copy inside the record's version.
pub const SIGNED_COPY_NAME: &str = "ban-sao-y.pdf";

/// Whether a version file is the desk's signed copy (the one file every page edit, import, merge and vault
/// message has to recognise).
pub(crate) fn is_signed_copy(name: &str, media_type: &str) -> bool {
    name == SIGNED_COPY_NAME && media_type == "application/pdf"
}

/// How a record's copy is signed.
#[derive(Debug, Clone)]
pub struct RecordSignOptions {
    pub sign: SignOptions,
    /// Add the validation data (DSS: certificates, revocation answers) after signing: B-T becomes B-LT.
    pub ltv: bool,
    /// Resolution of pages whose files do not say it (imports of bare images).
    pub fallback_dpi: Option<f32>,
}

impl RecordSignOptions {
    pub fn new(sign: SignOptions) -> Self {
        RecordSignOptions {
            sign,
            ltv: false,
            fallback_dpi: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SignRecordReport {
    pub record_id: String,
    /// The new version holding the signed copy.
    pub version: u32,
    /// Certificate holder (subject CN) as signed.
    pub signer: String,
    pub signing_time: String,
    pub level: String,
    pub bytes: usize,
}

impl Engine {
    /// [`Engine::sign_record_by`] as the local system actor (`sohoa sign --record`).
    pub fn sign_record(
        &self,
        id: &str,
        signer: &mut dyn Signer,
        opts: &RecordSignOptions,
    ) -> Result<SignRecordReport, RecordPdfError> {
        self.sign_record_by(&self.config.actor, id, signer, opts)
    }

    /// Builds, signs with `signer` and stores `id`'s legal copy, attributed to `actor`.
    pub(crate) fn sign_record_by(
        &self,
        actor: &sohoa_store::Actor,
        id: &str,
        signer: &mut dyn Signer,
        opts: &RecordSignOptions,
    ) -> Result<SignRecordReport, RecordPdfError> {
        let (unsigned, report) = self.record_pdf(id, opts.fallback_dpi)?;
        let mut outcome = sohoa_pdf::sign_pdf(&unsigned, signer, &opts.sign)?;
        if opts.ltv {
            outcome.bytes = sohoa_pdf::sign::ltv::add_validation_data(&outcome.bytes, &Default::default())?;
            if outcome.level == sohoa_pdf::Level::BT {
                outcome.level = sohoa_pdf::Level::BLT;
            }
        }
        // Imported from a file so the signed copy takes the same checks and naming as any attached file;
        // into the version it shows only: a page committed while the officer typed the PIN would
        // otherwise sit in a version whose signed copy does not show it.
        let onto = Some(crate::records::Placement {
            at: None,
            of: Some(report.version),
        });
        let work = self
            .config
            .data_dir
            .join("tmp")
            .join(format!("sign-{}", uuid::Uuid::now_v7().simple()));
        let path = work.join(SIGNED_COPY_NAME);
        let written = std::fs::create_dir_all(&work).and_then(|()| std::fs::write(&path, &outcome.bytes));
        let imported = written
            .map_err(|e| EngineError::File {
                path: path.clone(),
                problem: crate::FileProblem::Unreadable(e.to_string()),
            })
            .and_then(|()| {
                self.import_files_at_by(actor, &report.record_id, std::slice::from_ref(&path), onto)
            });
        if let Err(e) = std::fs::remove_dir_all(&work) {
            tracing::warn!(error = %e, "signing work folder not removed");
        }
        let imported = imported?;
        tracing::info!(record = %report.record_id, version = imported.version, "signed copy stored");
        Ok(SignRecordReport {
            record_id: report.record_id,
            version: imported.version,
            signer: outcome.signer,
            signing_time: outcome.signing_time,
            level: outcome.level.as_str().to_owned(),
            bytes: outcome.bytes.len(),
        })
    }
}

/// Opens the signing key named by `key` with `pin`, checked against the trust anchors (`SOHOA_TRUST_DIR`
/// or the installed trust directory, plus the desk's `<data_dir>/trust`) before the PIN signs anything.
pub fn open_trusted_signer(
    data_dir: &std::path::Path,
    key: &str,
    pin: String,
) -> Result<Box<dyn Signer>, RecordPdfError> {
    let spec: KeySpec = key.parse()?;
    let store = crate::desk_trust_store(data_dir)?;
    Ok(sohoa_sign::open_signer(&spec, Pin::new(pin), &store)?)
}

/// The stamp's options for an agency's certified copy ("SAO Y"), signed at B-B (offline desks; the
/// timestamp is added later, as `sohoa sign --upgrade-lt` does).
pub fn sao_y_options(agency: &str) -> RecordSignOptions {
    RecordSignOptions::new(SignOptions {
        agency: agency.to_owned(),
        copy_form: CopyForm::SaoY,
        tsa_url: None,
        time: None,
    })
}
