//! Sending records to the ministry vault: the message is built from the record as it is now (frozen in the
//! outbox, so later edits never change what was sent), and the outbox driver delivers it.

use std::collections::HashSet;

use serde_json::{Map, Value};
use sohoa_core::OwnerIdKind;
use sohoa_core::record::{Owner, RecordKind, RecordMeta};
use sohoa_store::{ListFilter, OutboxCounts, OutboxRow, RecordRow, TrashFilter};
use sohoa_vault::pdfsig::{find_signature, pdf_page_count};
use sohoa_vault::{
    AuditAnchor, DocumentMeta, Envelope, FileEntry, MessageOwner, OwnerType, PassReport, SCHEMA_VERSION,
    Sender, SignatureSummary, TusWire, VaultConfig, VaultError, VaultMessage, VaultWire, validate_message,
};

use crate::{Engine, EngineError};

/// A record that `vault_enqueue_ready` could not queue, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub record_id: String,
    pub code: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EnqueueReport {
    pub queued: Vec<String>,
    pub skipped: Vec<Skipped>,
}

impl Engine {
    /// Queues the record's current version for the vault; returns the outbox row (message id = idempotency key).
    pub fn vault_enqueue(&self, record: &str, config: &VaultConfig) -> Result<OutboxRow, EngineError> {
        self.vault_enqueue_by(&self.config.actor, record, config)
    }

    /// [`Engine::vault_enqueue`] on behalf of `actor`: the message names them as the sending officer.
    pub(crate) fn vault_enqueue_by(
        &self,
        actor: &sohoa_store::Actor,
        record: &str,
        config: &VaultConfig,
    ) -> Result<OutboxRow, EngineError> {
        let id = self.store.resolve_id(record)?;
        self.vault_enqueue_row(actor, &self.store.get_record(&id)?, config)
    }

    fn vault_enqueue_row(
        &self,
        actor: &sohoa_store::Actor,
        row: &RecordRow,
        config: &VaultConfig,
    ) -> Result<OutboxRow, EngineError> {
        let message = self.vault_message(actor, row, config)?;
        let value = serde_json::to_value(&message).map_err(|e| VaultError::Runtime(e.to_string()))?;
        let out = self.store.outbox_enqueue(
            actor,
            &message.envelope.message_id,
            &row.id,
            row.current_version,
            &value,
        )?;
        tracing::info!(record = %row.id, message = %out.message_id, "queued for the vault");
        Ok(out)
    }

    /// Queues every live record whose current version (or, for information-only records, the record) was
    /// never queued. Records the vault would refuse are reported, not queued.
    pub fn vault_enqueue_ready(&self, config: &VaultConfig) -> Result<EnqueueReport, EngineError> {
        let queued: HashSet<(String, Option<u32>)> =
            self.store.outbox_record_versions()?.into_iter().collect();
        let rows = self.store.list_records(&ListFilter {
            trash: TrashFilter::Exclude,
            ..ListFilter::default()
        })?;
        let mut report = EnqueueReport::default();
        for row in rows {
            let info_only = row.kind == RecordKind::InfoOnly.as_str();
            if (!info_only && row.current_version.is_none())
                || queued.contains(&(row.id.clone(), row.current_version))
            {
                continue;
            }
            match self.vault_enqueue_row(&self.config.actor, &row, config) {
                Ok(out) => report.queued.push(out.message_id),
                Err(
                    e @ (EngineError::Vault(_)
                    | EngineError::Store(sohoa_store::StoreError::InvalidInput { .. })),
                ) => {
                    report.skipped.push(Skipped {
                        record_id: row.id.clone(),
                        code: e.code().to_owned(),
                        reason: e.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    pub fn vault_queue(&self) -> Result<Vec<OutboxRow>, EngineError> {
        Ok(self.store.outbox_list(None)?)
    }

    pub fn vault_counts(&self) -> Result<OutboxCounts, EngineError> {
        Ok(self.store.outbox_counts()?)
    }

    /// An officer fixed the cause of a refusal: send again.
    pub fn vault_requeue(&self, message_id: &str) -> Result<OutboxRow, EngineError> {
        Ok(self.store.outbox_requeue(&self.config.actor, message_id)?)
    }

    /// One pass of the uploader over everything due. Needs a vault URL (the caller handles training mode).
    pub fn vault_sync_once(&self, config: &VaultConfig) -> Result<PassReport, EngineError> {
        self.vault_sync_once_with(TusWire::new(config)?, config)
    }

    /// One pass through another wire adapter (the ministry's own interface, once it is known): the outbox
    /// does not change with the protocol.
    pub fn vault_sync_once_with<W: VaultWire>(
        &self,
        wire: W,
        config: &VaultConfig,
    ) -> Result<PassReport, EngineError> {
        let rt = runtime()?;
        let driver =
            sohoa_vault::OutboxDriver::new(&self.store, wire, self.config.actor.clone(), config.clone());
        Ok(rt.block_on(driver.run_once())?)
    }

    /// Whether the vault answers at all (for the connectivity indicator and `sohoa doctor`).
    pub fn vault_reachable(&self, config: &VaultConfig) -> Result<bool, EngineError> {
        let wire = TusWire::new(config)?;
        Ok(runtime()?.block_on(wire.reachable()))
    }

    /// Runs the uploader until `stop` resolves, reporting each delivery attempt.
    pub fn vault_run(
        &self,
        config: &VaultConfig,
        on_delivery: impl FnMut(&sohoa_vault::Delivery),
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), EngineError> {
        let rt = runtime()?;
        let wire = TusWire::new(config)?;
        let driver =
            sohoa_vault::OutboxDriver::new(&self.store, wire, self.config.actor.clone(), config.clone());
        Ok(rt.block_on(driver.run(on_delivery, stop))?)
    }

    fn vault_message(
        &self,
        actor: &sohoa_store::Actor,
        row: &RecordRow,
        config: &VaultConfig,
    ) -> Result<VaultMessage, EngineError> {
        if row.trashed_at.is_some() {
            return Err(sohoa_store::StoreError::InTrash { id: row.id.clone() }.into());
        }
        let meta: RecordMeta =
            serde_json::from_value(row.metadata.clone()).map_err(|e| sohoa_store::StoreError::Corrupt {
                what: format!("record {} metadata: {e}", row.id),
            })?;
        let agency = config.agency_code.clone().ok_or_else(|| {
            VaultError::Config(
                "no agency code: set SOHOA_AGENCY_CODE or agency_code in vault.toml".to_owned(),
            )
        })?;
        let type_code = meta
            .doc_type_code
            .clone()
            .ok_or_else(|| VaultError::Config(format!("record {} has no document type code", row.id)))?;
        let (seq, hash) = self.store.audit_head()?;
        let files = self.vault_files(row)?;
        let signed: Vec<&(FileEntry, Option<String>)> = files.iter().filter(|(_, sf)| sf.is_some()).collect();
        let signature = (!signed.is_empty()).then(|| SignatureSummary {
            format: "PAdES".to_owned(),
            sub_filter: signed
                .first()
                .and_then(|(_, sf)| sf.clone())
                .filter(|s| !s.is_empty()),
            signer: None,
            certificate_serial: None,
            issuer: None,
            signing_time: None,
            signed_files: signed.iter().map(|(f, _)| f.ordinal).collect(),
        });
        let message = VaultMessage {
            envelope: Envelope {
                message_id: uuid::Uuid::now_v7().hyphenated().to_string(),
                schema_version: SCHEMA_VERSION,
                created_at: sohoa_vault::vn_now(),
                sender: Sender {
                    agency_code: agency,
                    workstation: self.config.actor.workstation.clone(),
                    officer: actor.user.clone(),
                },
                audit_anchor: Some(AuditAnchor { seq, hash }),
            },
            owner: owner(&meta),
            document: document(row, &meta, type_code)?,
            files: files.into_iter().map(|(f, _)| f).collect(),
            signature,
        };
        validate_message(&message).map_err(VaultError::from)?;
        Ok(message)
    }

    /// The current version's files, each with the signature sub-filter found in it (PDFs only).
    fn vault_files(&self, row: &RecordRow) -> Result<Vec<(FileEntry, Option<String>)>, EngineError> {
        let Some(version) = row.current_version else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let files = self.store.version_files(&row.id, version)?;
        // The vault takes signed PDFs only. Beside the desk's signed copy the page images are its sources (a new
        // page drops the copy), so the copy alone is sent; without one, the files go as they are.
        let signed_copy = files
            .iter()
            .any(|f| crate::signing::is_signed_copy(&f.name, &f.media_type));
        for f in files {
            // OCR words are the desk's working data; the signed copy's text layer already carries them. The
            // message numbers what it sends 1, 2, 3 … without gaps.
            if f.media_type == crate::OCR_MEDIA_TYPE || (signed_copy && f.media_type != "application/pdf") {
                continue;
            }
            let (pages, sig) = if f.media_type == "application/pdf" {
                let path = self.store.blob_path(&f.sha256)?;
                let bytes =
                    std::fs::read(&path).map_err(|e| sohoa_store::StoreError::Io { path, source: e })?;
                (
                    pdf_page_count(&bytes),
                    find_signature(&bytes)
                        .ok()
                        .map(|s| s.sub_filter.unwrap_or_default()),
                )
            } else {
                (Some(1), None)
            };
            let ordinal = u32::try_from(out.len() + 1).unwrap_or(u32::MAX);
            out.push((
                FileEntry {
                    ordinal,
                    name: f.name,
                    media_type: f.media_type,
                    size: f.size,
                    sha256: f.sha256,
                    page_count: pages,
                },
                sig,
            ));
        }
        Ok(out)
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, EngineError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| VaultError::Runtime(e.to_string()).into())
}

fn owner(meta: &RecordMeta) -> MessageOwner {
    match &meta.owner {
        Owner::Identified { id, .. } => MessageOwner {
            owner_type: if id.kind() == OwnerIdKind::TaxCode {
                OwnerType::Organisation
            } else {
                OwnerType::Person
            },
            id_number: Some(id.as_str().to_owned()),
            id_kind: Some(id.kind().as_str().to_owned()),
            name: meta.owner_name(),
            birth_year: None,
            id_issue_date: None,
            id_issuer: None,
        },
        Owner::Unidentified {
            full_name,
            birth_year,
            id_issue_date,
            id_issuer,
        } => MessageOwner {
            owner_type: OwnerType::Person,
            id_number: None,
            id_kind: None,
            name: Some(full_name.clone()),
            birth_year: Some(*birth_year),
            id_issue_date: Some(id_issue_date.format("%Y-%m-%d").to_string()),
            id_issuer: Some(id_issuer.clone()),
        },
    }
}

fn document(row: &RecordRow, meta: &RecordMeta, type_code: String) -> Result<DocumentMeta, EngineError> {
    let as_map = |v: Value| match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let encoded = serde_json::to_value(meta).map_err(|e| VaultError::Runtime(e.to_string()))?;
    let mut details = Map::new();
    for key in ["id_card", "residence", "storage", "info_only", "extra"] {
        if let Some(v) = encoded.get(key) {
            details.insert(key.to_owned(), v.clone());
        }
    }
    Ok(DocumentMeta {
        record_kind: meta.kind.as_str().to_owned(),
        record_id: row.id.clone(),
        storage_key: meta.storage_key(),
        type_code,
        name: meta.doc_name.clone(),
        summary: meta.summary.clone(),
        valid_from: meta.validity.from.map(|d| d.format("%Y-%m-%d").to_string()),
        valid_to: meta.validity.to.map(|d| d.format("%Y-%m-%d").to_string()),
        valid_indefinite: meta.validity.indefinite,
        scope: meta.scope.clone(),
        procedure_code: meta.procedure_code.clone(),
        archival: as_map(
            serde_json::to_value(&meta.archival).map_err(|e| VaultError::Runtime(e.to_string()))?,
        ),
        details,
    })
}
