//! The signed-in account of this window and the idle lock, kept in the shell (Tauri state), not in the page:
//! a page that skips its own lock screen still gets every command refused while the session is locked.
//! Role checks are not made here; the engine makes them with the [`Caller`] this hands out.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use sohoa_engine::{Action, Caller, EngineError, Role};

use crate::error::ShellError;

/// Idle time before the lock screen, in seconds (`SOHOA_IDLE_LOCK_SECS`); 10 minutes by default.
pub const IDLE_LOCK_ENV: &str = "SOHOA_IDLE_LOCK_SECS";
pub const DEFAULT_IDLE_LOCK: Duration = Duration::from_secs(600);

pub fn idle_lock_from_env() -> Duration {
    std::env::var(IDLE_LOCK_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or(DEFAULT_IDLE_LOCK, Duration::from_secs)
}

struct Session {
    caller: Caller,
    last_activity: Instant,
    locked: bool,
}

pub struct Sessions {
    current: Mutex<Option<Session>>,
    idle: Duration,
    training: bool,
}

/// The account as the header shows it, with the actions its role allows (the UI hides the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub permissions: Vec<Action>,
}

impl UserInfo {
    pub fn of(caller: &Caller) -> UserInfo {
        UserInfo {
            login: caller.login().to_owned(),
            display_name: caller.display_name().to_owned(),
            role: caller.role(),
            permissions: Action::ALL.into_iter().filter(|a| caller.may(*a)).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatus {
    pub user: Option<UserInfo>,
    pub locked: bool,
    pub idle_lock_secs: u64,
    /// The login screen shows the training badge before anyone signs in.
    pub training_mode: bool,
}

pub(crate) fn locked_error() -> ShellError {
    ShellError {
        code: "auth.session_locked".to_owned(),
        message: "Phiên làm việc đang khóa: nhập lại mật khẩu để tiếp tục".to_owned(),
        message_en: "the session is locked: enter the password again to continue".to_owned(),
    }
}

impl Sessions {
    pub fn new(idle: Duration, training: bool) -> Sessions {
        Sessions {
            current: Mutex::new(None),
            idle,
            training,
        }
    }

    fn guard(&self) -> MutexGuard<'_, Option<Session>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn begin(&self, caller: Caller) {
        self.begin_at(caller, Instant::now());
    }

    pub fn begin_at(&self, caller: Caller, now: Instant) {
        *self.guard() = Some(Session {
            caller,
            last_activity: now,
            locked: false,
        });
    }

    pub fn end(&self) -> Option<Caller> {
        self.guard().take().map(|s| s.caller)
    }

    /// Locks the session (the officer stepped away); returns who was signed in.
    pub fn lock(&self) -> Option<Caller> {
        self.guard().as_mut().map(|s| {
            s.locked = true;
            s.caller.clone()
        })
    }

    /// The session's account, to re-check its password before [`Sessions::unlock`].
    pub fn holder(&self) -> Option<Caller> {
        self.guard().as_ref().map(|s| s.caller.clone())
    }

    /// Unlocks if `caller` (just re-authenticated) is the account that holds the session.
    pub fn unlock(&self, caller: &Caller) -> Result<(), ShellError> {
        let mut guard = self.guard();
        match guard.as_mut() {
            Some(s) if s.caller.user_id() == caller.user_id() => {
                s.locked = false;
                s.last_activity = Instant::now();
                Ok(())
            }
            _ => Err(EngineError::NotSignedIn.into()),
        }
    }

    /// The caller for a command: refused when nobody is signed in or the session is locked; a session idle
    /// longer than the limit locks now. A successful call counts as activity.
    pub fn caller(&self) -> Result<Caller, ShellError> {
        self.caller_at(Instant::now())
    }

    pub fn caller_at(&self, now: Instant) -> Result<Caller, ShellError> {
        let mut guard = self.guard();
        let session = guard.as_mut().ok_or(EngineError::NotSignedIn)?;
        if !session.locked && now.saturating_duration_since(session.last_activity) >= self.idle {
            session.locked = true;
            tracing::info!("session locked after idle time");
        }
        if session.locked {
            return Err(locked_error());
        }
        session.last_activity = now;
        Ok(session.caller.clone())
    }

    /// What the UI needs to pick its screen; counts as activity when the session is open.
    pub fn status(&self) -> SessionStatus {
        let _ = self.caller();
        let guard = self.guard();
        SessionStatus {
            user: guard.as_ref().map(|s| UserInfo::of(&s.caller)),
            locked: guard.as_ref().is_some_and(|s| s.locked),
            idle_lock_secs: self.idle.as_secs(),
            training_mode: self.training,
        }
    }
}
