//! The vault's durable state: SQLite (WAL, `synchronous=FULL`) for uploads, messages and receipts; files
//! on disk under `uploads/` while they arrive and `files/<aa>/<sha256>` once verified.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    length INTEGER NOT NULL,
    offset INTEGER NOT NULL CHECK (offset <= length),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (message_id, ordinal)
) STRICT;
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL UNIQUE,
    owner_id TEXT,
    storage_key TEXT,
    message TEXT NOT NULL,
    receipt TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS messages_owner ON messages(owner_id);
"#;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    pub message_id: String,
    pub ordinal: u32,
    pub length: u64,
    pub offset: u64,
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub complete: bool,
}

impl Upload {
    /// The offset the client is told: a complete upload is at its end.
    pub fn reported_offset(&self) -> u64 {
        if self.complete { self.length } else { self.offset }
    }
}

pub struct Index {
    pub conn: Connection,
    pub root: PathBuf,
}

/// A deterministic upload id: the same (message, file) always maps to the same upload, which is what makes
/// a repeated creation after a crash harmless.
pub fn upload_id(message_id: &str, ordinal: u32) -> String {
    let h = Sha256::digest(format!("{message_id}:{ordinal}").as_bytes());
    hex::encode(&h[..16])
}

impl Index {
    pub fn open(root: &Path) -> anyhow::Result<Index> {
        for d in ["uploads", "files"] {
            fs::create_dir_all(root.join(d))
                .with_context(|| format!("creating {}", root.join(d).display()))?;
        }
        let conn = Connection::open(root.join("vault.db"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::relay::SCHEMA)?;
        Ok(Index {
            conn,
            root: root.to_path_buf(),
        })
    }

    pub fn part_path(&self, id: &str) -> PathBuf {
        self.root.join("uploads").join(format!("{id}.part"))
    }

    pub fn file_path(&self, sha256: &str) -> PathBuf {
        self.root.join("files").join(&sha256[..2]).join(sha256)
    }

    pub fn upload(&self, id: &str) -> anyhow::Result<Option<Upload>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, message_id, ordinal, length, offset, sha256, filename, media_type, complete
                 FROM uploads WHERE id = ?1",
                [id],
                |r| {
                    Ok(Upload {
                        id: r.get(0)?,
                        message_id: r.get(1)?,
                        ordinal: r.get(2)?,
                        length: r.get(3)?,
                        offset: r.get(4)?,
                        sha256: r.get(5)?,
                        filename: r.get(6)?,
                        media_type: r.get(7)?,
                        complete: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn insert_upload(&self, u: &Upload, now: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO uploads (id, message_id, ordinal, length, offset, sha256, filename, media_type, complete, created_at)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, 0, ?8)",
            params![u.id, u.message_id, u.ordinal, u.length, u.sha256, u.filename, u.media_type, now],
        )?;
        Ok(())
    }

    /// Writes a chunk at `offset` (dropping any bytes a crashed earlier write left beyond it), fsyncs, and
    /// only then moves the recorded offset: the offset never claims bytes the disk might not hold.
    pub fn append_chunk(&self, u: &Upload, data: &[u8]) -> anyhow::Result<u64> {
        let path = self.part_path(&u.id);
        let mut f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        f.set_len(u.offset)?;
        f.seek(SeekFrom::Start(u.offset))?;
        f.write_all(data)?;
        f.sync_data()?;
        let new = u.offset + data.len() as u64;
        self.conn
            .execute("UPDATE uploads SET offset = ?2 WHERE id = ?1", params![u.id, new])?;
        Ok(new)
    }

    /// Hashes the finished part file; on a match moves it to its content address (fsynced) and marks the
    /// upload complete. Returns false on a mismatch, after discarding the bytes so a corrected resend can
    /// start over.
    pub fn finish(&self, u: &Upload) -> anyhow::Result<bool> {
        let part = self.part_path(&u.id);
        let dest = self.file_path(&u.sha256);
        // A crash between the rename and the UPDATE below leaves the file at its address and the row not
        // complete: finish it from there instead of claiming the file is missing.
        if !part.exists() && dest.exists() {
            let mut h = Sha256::new();
            std::io::copy(&mut fs::File::open(&dest)?, &mut h)?;
            if hex::encode(h.finalize()) == u.sha256 {
                self.conn.execute(
                    "UPDATE uploads SET complete = 1, offset = length WHERE id = ?1",
                    [&u.id],
                )?;
                return Ok(true);
            }
        }
        let mut h = Sha256::new();
        std::io::copy(&mut fs::File::open(&part)?, &mut h)?;
        if hex::encode(h.finalize()) != u.sha256 {
            fs::remove_file(&part)?;
            self.conn
                .execute("UPDATE uploads SET offset = 0 WHERE id = ?1", [&u.id])?;
            return Ok(false);
        }
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(&part, &dest)?;
        if let Some(dir) = dest.parent() {
            fs::File::open(dir)?.sync_all()?;
        }
        self.conn
            .execute("UPDATE uploads SET complete = 1 WHERE id = ?1", [&u.id])?;
        Ok(true)
    }

    pub fn delete_upload(&self, u: &Upload) -> anyhow::Result<()> {
        let _ = fs::remove_file(self.part_path(&u.id));
        self.conn.execute("DELETE FROM uploads WHERE id = ?1", [&u.id])?;
        Ok(())
    }

    /// The stored message text and receipt text for an id already committed.
    pub fn message(&self, message_id: &str) -> anyhow::Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT message, receipt FROM messages WHERE message_id = ?1",
                [message_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn committed(&self, message_id: &str) -> anyhow::Result<bool> {
        Ok(self.message(message_id)?.is_some())
    }
}
