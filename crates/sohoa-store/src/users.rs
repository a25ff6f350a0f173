//! Local accounts: rows of the `users` table and the writes that change them.
//!
//! The store keeps accounts dumb: it never sees a password, only the PHC hash the engine computed, and it
//! does not decide roles or lock-out policy. What it guarantees is that every change to an account (and every
//! sign-in event the engine reports) lands in the audit chain in the same transaction as the change, so
//! "who could sign in as what, when" is as tamper-evident as the records themselves.

use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde_json::{Value as Json, json};

use crate::store::{Store, check_actor};
use crate::text::{nfc, now_ts};
use crate::types::Actor;
use crate::{StoreError, audit};

/// One account as stored. `password_hash` is an Argon2id PHC string; callers never show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub failed_attempts: u32,
    /// Unix milliseconds until which sign-in is refused after too many failures.
    pub locked_until_ms: Option<i64>,
    /// A demo account of the training sandbox.
    pub training: bool,
    pub created_at: String,
    pub updated_at: String,
    pub password_changed_at: String,
}

/// What the engine hands the store to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub training: bool,
}

const COLUMNS: &str =
    "id, login, display_name, role, password_hash, disabled, failed_attempts, locked_until_ms,
    training, created_at, updated_at, password_changed_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        password_hash: r.get(4)?,
        disabled: r.get(5)?,
        failed_attempts: r.get(6)?,
        locked_until_ms: r.get(7)?,
        training: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        password_changed_at: r.get(11)?,
    })
}

fn user_not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        id: format!("user {id}"),
    }
}

fn touch(tx: &Transaction<'_>, id: i64, sql: &str, value: &dyn rusqlite::ToSql) -> Result<(), StoreError> {
    let changed = tx.execute(sql, params![value, now_ts(), id])?;
    if changed == 0 {
        return Err(user_not_found(id));
    }
    Ok(())
}

impl Store {
    /// Number of accounts, optionally only enabled ones of one role (the first-administrator rule needs that).
    pub fn count_users(&self, enabled_role: Option<&str>) -> Result<u64, StoreError> {
        self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT count(*) FROM users WHERE ?1 IS NULL OR (role = ?1 AND disabled = 0)",
                [enabled_role],
                |r| r.get(0),
            )?)
        })
    }

    /// Creates an account; a login that exists already is a [`StoreError::Duplicate`].
    pub fn create_user(&self, actor: &Actor, new: &NewUser) -> Result<UserRow, StoreError> {
        check_actor(actor)?;
        let login = nfc(&new.login);
        let display_name = nfc(&new.display_name);
        self.write_tx(|tx| {
            let taken: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE login = ?1)", [&login], |r| {
                    r.get(0)
                })?;
            if taken {
                return Err(StoreError::Duplicate {
                    what: "the login".to_owned(),
                });
            }
            let now = now_ts();
            tx.execute(
                "INSERT INTO users (login, display_name, role, password_hash, training, created_at, updated_at,
                    password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
                params![login, display_name, new.role, new.password_hash, new.training, now],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                actor,
                "user.create",
                None,
                &json!({"user_id": id, "role": new.role, "training": new.training}),
            )?;
            get_in(tx, id)
        })
    }

    pub fn get_user(&self, id: i64) -> Result<UserRow, StoreError> {
        self.with_conn(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| user_not_found(id))
        })
    }

    /// The account with exactly this (already normalised) login, if any.
    pub fn find_user(&self, login: &str) -> Result<Option<UserRow>, StoreError> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {COLUMNS} FROM users WHERE login = ?1"),
                    [nfc(login)],
                    from_row,
                )
                .optional()?)
        })
    }

    pub fn list_users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY login"))?;
            let rows = stmt.query_map([], from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Stores the sign-in counters of an account and audits the event that changed them (`action` such as
    /// `auth.login`, `auth.failure`, `auth.lockout`); `details` must not contain the password.
    pub fn record_sign_in(
        &self,
        actor: &Actor,
        id: i64,
        failed_attempts: u32,
        locked_until_ms: Option<i64>,
        action: &str,
        details: &Json,
    ) -> Result<(), StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            let changed = tx.execute(
                "UPDATE users SET failed_attempts = ?1, locked_until_ms = ?2 WHERE id = ?3",
                params![failed_attempts, locked_until_ms, id],
            )?;
            if changed == 0 {
                return Err(user_not_found(id));
            }
            audit::append(tx, actor, action, None, details)?;
            Ok(())
        })
    }

    /// Audits an event that touches no stored row (a sign-in attempt for a login that does not exist).
    pub fn audit_event(&self, actor: &Actor, action: &str, details: &Json) -> Result<(), StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| audit::append(tx, actor, action, None, details).map(|_| ()))
    }

    /// Replaces the password hash; a new password also clears the failure counter and any lock-out.
    pub fn set_user_password(&self, actor: &Actor, id: i64, password_hash: &str) -> Result<(), StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            touch(
                tx,
                id,
                "UPDATE users SET password_hash = ?1, updated_at = ?2, password_changed_at = ?2,
                    failed_attempts = 0, locked_until_ms = NULL WHERE id = ?3",
                &password_hash,
            )?;
            audit::append(tx, actor, "user.password", None, &json!({"user_id": id}))?;
            Ok(())
        })
    }

    pub fn set_user_disabled(&self, actor: &Actor, id: i64, disabled: bool) -> Result<(), StoreError> {
        check_actor(actor)?;
        self.write_tx(|tx| {
            touch(
                tx,
                id,
                "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE id = ?3",
                &disabled,
            )?;
            let action = if disabled { "user.disable" } else { "user.enable" };
            audit::append(tx, actor, action, None, &json!({"user_id": id}))?;
            Ok(())
        })
    }
}

fn get_in(tx: &Transaction<'_>, id: i64) -> Result<UserRow, StoreError> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| user_not_found(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            user: "admin".to_owned(),
            workstation: "ws".to_owned(),
        }
    }

    fn new_user(login: &str, role: &str) -> NewUser {
        NewUser {
            login: login.to_owned(),
            display_name: "Nguyễn Văn An".to_owned(),
            role: role.to_owned(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
            training: false,
        }
    }

    #[test]
    fn accounts_are_created_once_per_login_and_every_change_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.create_user(&actor(), &new_user("an", "officer")).unwrap();
        let err = store
            .create_user(&actor(), &new_user("an", "supervisor"))
            .unwrap_err();
        assert_eq!(err.code(), "store.duplicate");
        assert_eq!(store.count_users(None).unwrap(), 1);
        assert_eq!(store.count_users(Some("administrator")).unwrap(), 0);
        store.set_user_disabled(&actor(), a.id, true).unwrap();
        store
            .record_sign_in(&actor(), a.id, 3, Some(42), "auth.failure", &json!({}))
            .unwrap();
        let got = store.find_user("an").unwrap().unwrap();
        assert!(got.disabled);
        assert_eq!((got.failed_attempts, got.locked_until_ms), (3, Some(42)));
        store
            .set_user_password(&actor(), a.id, "$argon2id$v=19$new")
            .unwrap();
        let got = store.get_user(a.id).unwrap();
        assert_eq!((got.failed_attempts, got.locked_until_ms), (0, None));
        let actions: Vec<String> = store
            .audit_entries(None)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["user.create", "user.disable", "auth.failure", "user.password"]
        );
        assert!(store.audit_verify().unwrap().is_valid());
        assert_eq!(
            store.set_user_disabled(&actor(), 999, true).unwrap_err().code(),
            "store.not_found"
        );
    }

    #[test]
    fn the_schema_refuses_unknown_roles_and_plain_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.create_user(&actor(), &new_user("x", "root")).is_err());
        let mut plain = new_user("y", "officer");
        plain.password_hash = "hunter2".to_owned();
        assert!(store.create_user(&actor(), &plain).is_err());
        assert_eq!(store.count_users(None).unwrap(), 0, "nothing half-written");
        assert_eq!(store.audit_entries(None).unwrap().len(), 0);
    }
}
