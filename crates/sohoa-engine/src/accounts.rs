//! Local accounts: creating them, signing in, changing passwords, disabling.
//!
//! Sign-in answers every failure (unknown login, wrong password, disabled account, locked account) with the
//! same [`EngineError::AuthFailed`] after the same Argon2 work, so neither the message nor the timing tells a
//! stranger at the counter which logins exist. The audit log does tell the administrator what happened.
//! Audit entries never hold the password; a login that does not exist (possibly a password typed in the
//! wrong box, or a citizen's name) is stored masked.

use chrono::Utc;
use serde::Serialize;
use serde_json::json;
use sohoa_core::text::{mask_id, nfc};
use sohoa_store::{Actor, NewUser, UserRow};

use crate::access::{Action, Caller, Role};
use crate::{Engine, EngineError, password};

/// Failed attempts in a row that lock an account.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// What the UI and the CLI show about an account (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub role_label_vi: String,
    pub disabled: bool,
    pub locked: bool,
    pub training: bool,
    pub created_at: String,
    pub password_changed_at: String,
}

/// A request to create an account.
#[derive(Debug, Clone)]
pub struct NewUserRequest {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// The lookup key of a login: NFC, trimmed, lower case, so "Nguyễn" typed with a decomposed input method and
/// "NGUYỄN" find the same account.
pub fn normalize_login(login: &str) -> Result<String, EngineError> {
    let key = nfc(&nfc(login.trim()).to_lowercase());
    let ok_chars = key
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if key.is_empty() || key.chars().count() > 64 || !ok_chars {
        return Err(EngineError::InvalidLogin);
    }
    Ok(key)
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn role_of(row: &UserRow) -> Result<Role, EngineError> {
    row.role.parse()
}

fn view(row: &UserRow, now_ms: i64) -> Result<UserView, EngineError> {
    let role = role_of(row)?;
    Ok(UserView {
        id: row.id,
        login: row.login.clone(),
        display_name: row.display_name.clone(),
        role,
        role_label_vi: role.label_vi().to_owned(),
        disabled: row.disabled,
        locked: row.locked_until_ms.is_some_and(|t| t > now_ms),
        training: row.training,
        created_at: row.created_at.clone(),
        password_changed_at: row.password_changed_at.clone(),
    })
}

impl Engine {
    /// Creates an account. `caller` must be allowed to manage users, except for the bootstrap: with no
    /// enabled administrator at all, anyone (`None`) may create the first administrator.
    pub fn create_user(
        &self,
        caller: Option<&Caller>,
        req: &NewUserRequest,
    ) -> Result<UserView, EngineError> {
        self.create_user_inner(caller, req, false)
    }

    fn create_user_inner(
        &self,
        caller: Option<&Caller>,
        req: &NewUserRequest,
        training: bool,
    ) -> Result<UserView, EngineError> {
        let actor = match caller {
            Some(c) => {
                c.require(Action::ManageUsers)?;
                self.actor_for(c)
            }
            None => {
                let bootstrap = req.role == Role::Administrator
                    && self.store.count_users(Some(Role::Administrator.as_str()))? == 0;
                if !bootstrap {
                    return Err(EngineError::NotSignedIn);
                }
                self.config.actor.clone()
            }
        };
        let login = normalize_login(&req.login)?;
        let display_name = nfc(req.display_name.trim());
        if display_name.is_empty() {
            return Err(EngineError::InvalidDisplayName);
        }
        password::check_strength(&req.password)?;
        let row = self.store.create_user(
            &actor,
            &NewUser {
                login,
                display_name,
                role: req.role.as_str().to_owned(),
                password_hash: password::hash(&req.password)?,
                training,
            },
        )?;
        tracing::info!(user_id = row.id, role = %req.role, "account created");
        view(&row, now_ms())
    }

    /// Number of accounts; the shell asks it to tell "no accounts yet" apart from "wrong password".
    pub fn count_users(&self) -> Result<u64, EngineError> {
        Ok(self.store.count_users(None)?)
    }

    pub fn list_users(&self, caller: &Caller) -> Result<Vec<UserView>, EngineError> {
        caller.require(Action::ManageUsers)?;
        let now = now_ms();
        self.store.list_users()?.iter().map(|r| view(r, now)).collect()
    }

    /// Resolves a login to its account, for administration (not for sign-in).
    pub fn find_user(&self, caller: &Caller, login: &str) -> Result<UserView, EngineError> {
        caller.require(Action::ManageUsers)?;
        let row = self.user_by_login(login)?;
        view(&row, now_ms())
    }

    fn user_by_login(&self, login: &str) -> Result<UserRow, EngineError> {
        self.store
            .find_user(&normalize_login(login)?)?
            .ok_or(EngineError::UnknownUser)
    }

    /// Signs in. Every refusal is the same [`EngineError::AuthFailed`]; see the module comment.
    pub fn authenticate(&self, login: &str, password: &str) -> Result<Caller, EngineError> {
        self.authenticate_at(login, password, now_ms())
    }

    /// [`Engine::authenticate`] at a given time (Unix ms), so lock-out expiry can be tested.
    pub fn authenticate_at(&self, login: &str, password: &str, now_ms: i64) -> Result<Caller, EngineError> {
        let found = match normalize_login(login) {
            Ok(key) => self.store.find_user(&key)?,
            Err(_) => None,
        };
        let Some(row) = found else {
            password::burn_time(password);
            let anonymous = Actor {
                user: "anonymous".to_owned(),
                workstation: self.config.actor.workstation.clone(),
            };
            let masked = mask_id(&nfc(login.trim()));
            self.store.audit_event(
                &anonymous,
                "auth.failure",
                &json!({"reason": "unknown_login", "login_masked": masked}),
            )?;
            return Err(EngineError::AuthFailed);
        };
        let actor = Actor {
            user: row.login.clone(),
            workstation: self.config.actor.workstation.clone(),
        };
        let password_ok = password::verify(password, &row.password_hash);
        let locked = row.locked_until_ms.is_some_and(|t| t > now_ms);
        // An expired lock-out starts a fresh count.
        let failures = if row.locked_until_ms.is_some() && !locked {
            0
        } else {
            row.failed_attempts
        };
        let details = |reason: &str| json!({"user_id": row.id, "reason": reason});
        if locked {
            self.store
                .audit_event(&actor, "auth.failure", &details("locked"))?;
            return Err(EngineError::AuthFailed);
        }
        if !password_ok {
            let failures = failures + 1;
            let (action, until) = if failures >= MAX_FAILED_ATTEMPTS {
                ("auth.lockout", Some(now_ms + LOCKOUT_MINUTES * 60_000))
            } else {
                ("auth.failure", None)
            };
            let mut d = details("wrong_password");
            d["failed_attempts"] = json!(failures);
            self.store
                .record_sign_in(&actor, row.id, failures, until, action, &d)?;
            if until.is_some() {
                tracing::warn!(user_id = row.id, "account locked after repeated failures");
            }
            return Err(EngineError::AuthFailed);
        }
        if row.disabled {
            self.store
                .audit_event(&actor, "auth.failure", &details("disabled"))?;
            return Err(EngineError::AuthFailed);
        }
        self.store
            .record_sign_in(&actor, row.id, 0, None, "auth.login", &json!({"user_id": row.id}))?;
        Ok(Caller::account(
            row.id,
            row.login.clone(),
            row.display_name.clone(),
            role_of(&row)?,
        ))
    }

    /// Audits a sign-out (explicit, or the idle lock) so sessions have both ends in the log.
    pub fn record_session_event(&self, caller: &Caller, action: &str) -> Result<(), EngineError> {
        let details = json!({"user_id": caller.user_id()});
        Ok(self
            .store
            .audit_event(&self.actor_for(caller), action, &details)?)
    }

    /// Sets a new password: an administrator for anyone, an account for itself.
    pub fn set_password(&self, caller: &Caller, login: &str, new_password: &str) -> Result<(), EngineError> {
        let own = !caller.is_system() && normalize_login(login)? == caller.login();
        if !own {
            caller.require(Action::ManageUsers)?;
        }
        let row = self.user_by_login(login)?;
        password::check_strength(new_password)?;
        let hash = password::hash(new_password)?;
        Ok(self
            .store
            .set_user_password(&self.actor_for(caller), row.id, &hash)?)
    }

    pub fn set_user_disabled(&self, caller: &Caller, login: &str, disabled: bool) -> Result<(), EngineError> {
        caller.require(Action::ManageUsers)?;
        let row = self.user_by_login(login)?;
        if disabled && Some(row.id) == caller.user_id() {
            return Err(EngineError::DisableSelf);
        }
        Ok(self
            .store
            .set_user_disabled(&self.actor_for(caller), row.id, disabled)?)
    }

    /// In the training sandbox only: on a first start with no accounts, creates one demo account per role
    /// with the documented training passwords ([`TRAINING_ACCOUNTS`]). Returns how many were created.
    pub fn ensure_training_accounts(&self, training_mode: bool) -> Result<usize, EngineError> {
        if !training_mode || self.store.count_users(None)? > 0 {
            return Ok(0);
        }
        let system = self.system_caller();
        for (login, display_name, role, pw) in TRAINING_ACCOUNTS {
            let req = NewUserRequest {
                login: (*login).to_owned(),
                display_name: (*display_name).to_owned(),
                role: *role,
                password: (*pw).to_owned(),
            };
            self.create_user_inner(Some(&system), &req, true)?;
        }
        tracing::info!(count = TRAINING_ACCOUNTS.len(), "training accounts created");
        Ok(TRAINING_ACCOUNTS.len())
    }
}

/// The training sandbox's demo accounts (login, display name, role, password). Documented in the README;
/// they exist only in a data directory opened in training mode.
pub const TRAINING_ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "canbo",
        "Cán bộ tiếp nhận (tập huấn)",
        Role::Officer,
        "taphuan-canbo",
    ),
    (
        "luutru",
        "Cán bộ lưu trữ (tập huấn)",
        Role::Archivist,
        "taphuan-luutru",
    ),
    (
        "giamsat",
        "Lãnh đạo kiểm duyệt (tập huấn)",
        Role::Supervisor,
        "taphuan-giamsat",
    ),
    (
        "quantri",
        "Quản trị viên (tập huấn)",
        Role::Administrator,
        "taphuan-quantri",
    ),
];
