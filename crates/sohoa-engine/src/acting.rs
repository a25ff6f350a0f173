//! The engine as seen by a signed-in caller: each call checks the permission table first and attributes its
//! audit entries to the caller's account. The desktop shell uses only this; the CLI, which acts as the local
//! system actor, may keep calling [`Engine`] directly.

use sohoa_store::AuditReport;

use crate::access::{Action, Caller};
use crate::accounts::{NewUserRequest, UserView};
use crate::{Engine, EngineError, NewRecordRequest, RecordDetail, RecordQuery, RecordSummary};

/// A borrowed engine plus the caller every call is checked against.
pub struct Acting<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) caller: &'e Caller,
}

impl Engine {
    pub fn acting<'e>(&'e self, caller: &'e Caller) -> Acting<'e> {
        Acting { engine: self, caller }
    }
}

impl Acting<'_> {
    pub fn caller(&self) -> &Caller {
        self.caller
    }

    /// Where the data lives is shown in the header to anyone signed in.
    pub fn data_dir(&self) -> &std::path::Path {
        self.engine.data_dir()
    }

    pub(crate) fn require(&self, action: Action) -> Result<&Engine, EngineError> {
        self.caller.require(action)?;
        Ok(self.engine)
    }

    pub fn record_count(&self) -> Result<u64, EngineError> {
        self.require(Action::ViewRecords)?.record_count()
    }

    pub fn list_records(&self, query: &RecordQuery) -> Result<Vec<RecordSummary>, EngineError> {
        self.require(Action::ViewRecords)?.list_records(query)
    }

    pub fn record_detail(&self, id: &str) -> Result<RecordDetail, EngineError> {
        self.require(Action::ViewRecords)?.record_detail(id)
    }

    pub fn create_record(&self, req: &NewRecordRequest) -> Result<RecordDetail, EngineError> {
        let engine = self.require(Action::CreateRecord)?;
        engine.create_record_by(&engine.actor_for(self.caller), req)
    }

    /// Every procedure's papers, for the reception checklist.
    pub fn dossier_checklists(&self) -> Result<Vec<crate::DossierChecklist>, EngineError> {
        Ok(self.require(Action::ViewRecords)?.dossier_checklists())
    }

    /// One record per paper handed in, each in the officer's name, plus the intake in the audit chain.
    pub fn receive_dossier(
        &self,
        intake: &crate::DossierIntake,
    ) -> Result<crate::ReceivedDossier, EngineError> {
        let engine = self.require(Action::CreateRecord)?;
        engine.receive_dossier_by(&engine.actor_for(self.caller), intake)
    }

    /// The dossier a record was received in, to go on scanning and signing it at the counter.
    pub fn dossier_of(&self, id: &str) -> Result<Option<crate::ReceivedDossier>, EngineError> {
        self.require(Action::ViewRecords)?.dossier_of(id)
    }

    /// Checked as the officer types; the answer carries the number back, so it needs a signed-in caller.
    pub fn check_owner_id(&self, text: &str) -> Result<crate::OwnerIdCheck, EngineError> {
        Ok(self.require(Action::ViewRecords)?.check_owner_id(text))
    }

    pub fn record_form(&self, kind: &str) -> Result<crate::RecordForm, EngineError> {
        self.require(Action::ViewRecords)?.record_form(kind)
    }

    pub fn page_image(
        &self,
        id: &str,
        version: u32,
        ordinal: u32,
        max_px: Option<u32>,
    ) -> Result<crate::PageImage, EngineError> {
        self.require(Action::ViewRecords)?
            .page_image(id, version, ordinal, max_px)
    }

    /// The new version carries the officer's name in its history.
    pub fn scan_into_record(
        &self,
        id: &str,
        device: &mut dyn sohoa_scan::Device,
        settings: &sohoa_scan::ScanSettings,
        preset: Option<&str>,
        cancel: &std::sync::atomic::AtomicBool,
        on_page: impl FnMut(&sohoa_scan::Page),
    ) -> Result<crate::ScanRecordReport, crate::ScanRecordError> {
        let engine = self.require(Action::Scan)?;
        engine.scan_into_record_by(
            &engine.actor_for(self.caller),
            id,
            None,
            device,
            settings,
            preset,
            cancel,
            on_page,
        )
    }

    pub fn ocr_record(
        &self,
        id: &str,
        config: &sohoa_ocr::OcrConfig,
        workers: Option<usize>,
        cancel: &std::sync::atomic::AtomicBool,
        on_progress: impl FnMut(usize, usize),
    ) -> Result<crate::RecordOcrReport, crate::RecordOcrError> {
        let engine = self.require(Action::EditRecord)?;
        engine.ocr_record_by(
            &engine.actor_for(self.caller),
            id,
            config,
            workers,
            cancel,
            on_progress,
        )
    }

    /// Signs the record's legal copy with `signer` (opened by the caller: the PIN never passes through here).
    pub fn sign_record(
        &self,
        id: &str,
        signer: &mut dyn sohoa_sign::Signer,
        opts: &crate::RecordSignOptions,
    ) -> Result<crate::SignRecordReport, crate::RecordPdfError> {
        let engine = self.require(Action::Sign)?;
        engine.sign_record_by(&engine.actor_for(self.caller), id, signer, opts)
    }

    /// Queues the record's current version for the vault (delivery happens when the connection allows).
    pub fn vault_enqueue(
        &self,
        id: &str,
        config: &sohoa_vault::VaultConfig,
    ) -> Result<sohoa_store::OutboxRow, EngineError> {
        let engine = self.require(Action::Sign)?;
        engine.vault_enqueue_by(&engine.actor_for(self.caller), id, config)
    }

    /// Field edits by the signed-in officer (the reception form after scanning, accepted suggestions).
    pub fn edit_record(
        &self,
        id: &str,
        edits: &[(String, String)],
        expected_revision: Option<u32>,
    ) -> Result<RecordDetail, EngineError> {
        let engine = self.require(Action::EditRecord)?;
        engine.edit_record_by(&engine.actor_for(self.caller), id, edits, expected_revision)
    }

    /// What the stored OCR words of the record's pages suggest for its fields.
    pub fn suggest_fields(&self, id: &str) -> Result<crate::FieldSuggestions, EngineError> {
        self.require(Action::EditRecord)?.suggest_fields(id)
    }

    /// Reorders, deletes or turns pages of the current version; returns the new version.
    pub fn edit_pages(&self, id: &str, edit: &crate::PageEdit) -> Result<u32, EngineError> {
        let engine = self.require(Action::EditRecord)?;
        engine.edit_pages_by(&engine.actor_for(self.caller), id, edit)
    }

    /// The dashboard figures of a period (Vietnam days, both included).
    pub fn statistics(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<crate::Statistics, EngineError> {
        self.require(Action::Statistics)?.statistics(from, to)
    }

    /// Records and statistics of a period as an Excel workbook (owner data included: the supervisor's export).
    pub fn export_xlsx(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        path: &std::path::Path,
    ) -> Result<crate::ExportReport, EngineError> {
        self.require(Action::Export)?.export_xlsx(from, to, path)
    }

    /// Corrections from an exported workbook, one audited revision per changed row (see `xlsx_import`).
    pub fn import_metadata_xlsx(
        &self,
        path: &std::path::Path,
    ) -> Result<crate::ImportMetadataReport, EngineError> {
        let engine = self.require(Action::Export)?;
        engine.import_metadata_xlsx_by(&engine.actor_for(self.caller), path)
    }

    /// Verifying the audit chain is a control duty (supervisor, administrator).
    pub fn audit_verify(&self) -> Result<AuditReport, EngineError> {
        self.require(Action::ViewAudit)?.audit_verify()
    }

    pub fn list_users(&self) -> Result<Vec<UserView>, EngineError> {
        self.engine.list_users(self.caller)
    }

    pub fn create_user(&self, req: &NewUserRequest) -> Result<UserView, EngineError> {
        self.engine.create_user(Some(self.caller), req)
    }

    pub fn set_password(&self, login: &str, new_password: &str) -> Result<(), EngineError> {
        self.engine.set_password(self.caller, login, new_password)
    }

    pub fn set_user_disabled(&self, login: &str, disabled: bool) -> Result<(), EngineError> {
        self.engine.set_user_disabled(self.caller, login, disabled)
    }
}
