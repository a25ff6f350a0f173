//! Who may do what. One table ([`Action::roles`]) decides every role check, and it is consulted inside the
//! engine, so a front end that forgets to hide a button (or a page that calls the shell directly) still
//! cannot make an officer approve a record or create an account.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sohoa_store::Actor;

use crate::{Engine, EngineError};

/// The four kinds of people who work at a desk (issue 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reception officer: receives a citizen's dossier, scans, fills fields, signs.
    Officer,
    /// Archive staff: the same as an officer plus feeder batches of old dossiers.
    Archivist,
    /// Checks quality, approves or rejects, reports progress.
    Supervisor,
    /// Accounts and settings; sees records but does not process them.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Officer,
        Role::Archivist,
        Role::Supervisor,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Archivist => "archivist",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Officer => "Cán bộ tiếp nhận",
            Role::Archivist => "Cán bộ lưu trữ",
            Role::Supervisor => "Lãnh đạo kiểm duyệt",
            Role::Administrator => "Quản trị viên",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = EngineError;
    fn from_str(s: &str) -> Result<Role, EngineError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| EngineError::UnknownRole(s.to_owned()))
    }
}

/// Everything a role check can be about. New workflow steps add a variant here and a row in [`Action::roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewRecords,
    CreateRecord,
    EditRecord,
    Scan,
    Sign,
    /// Archive feeder batches with separator sheets.
    Batch,
    /// Approve or reject a record in the review queue.
    Review,
    Statistics,
    Export,
    /// Read and verify the audit chain.
    ViewAudit,
    ManageUsers,
    Settings,
}

use Role::{Administrator as A, Archivist as R, Officer as O, Supervisor as S};

impl Action {
    pub const ALL: [Action; 12] = [
        Action::ViewRecords,
        Action::CreateRecord,
        Action::EditRecord,
        Action::Scan,
        Action::Sign,
        Action::Batch,
        Action::Review,
        Action::Statistics,
        Action::Export,
        Action::ViewAudit,
        Action::ManageUsers,
        Action::Settings,
    ];

    /// THE permission table. An exhaustive match, so a new action cannot compile without a decision.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::ViewRecords => &[O, R, S, A],
            Action::CreateRecord | Action::EditRecord | Action::Scan | Action::Sign => &[O, R],
            Action::Batch => &[R],
            Action::Review | Action::Statistics | Action::Export => &[S],
            Action::ViewAudit => &[S, A],
            Action::ManageUsers | Action::Settings => &[A],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewRecords => "view_records",
            Action::CreateRecord => "create_record",
            Action::EditRecord => "edit_record",
            Action::Scan => "scan",
            Action::Sign => "sign",
            Action::Batch => "batch",
            Action::Review => "review",
            Action::Statistics => "statistics",
            Action::Export => "export",
            Action::ViewAudit => "view_audit",
            Action::ManageUsers => "manage_users",
            Action::Settings => "settings",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Action::ViewRecords => "xem hồ sơ",
            Action::CreateRecord => "tạo hồ sơ",
            Action::EditRecord => "sửa hồ sơ",
            Action::Scan => "quét tài liệu",
            Action::Sign => "ký số",
            Action::Batch => "số hóa theo lô",
            Action::Review => "kiểm duyệt hồ sơ",
            Action::Statistics => "xem thống kê",
            Action::Export => "xuất dữ liệu",
            Action::ViewAudit => "xem nhật ký kiểm toán",
            Action::ManageUsers => "quản lý tài khoản",
            Action::Settings => "thay đổi cấu hình",
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

/// Who is calling: a signed-in account, or the local system actor (the CLI run by someone who already has
/// the data directory in hand, and so could edit the database file anyway). Only the engine makes one with a
/// role ([`Engine::authenticate`]), so a front end cannot claim a role it did not sign in as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    user_id: Option<i64>,
    login: String,
    display_name: String,
    role: Role,
    system: bool,
}

impl Caller {
    pub(crate) fn account(user_id: i64, login: String, display_name: String, role: Role) -> Caller {
        Caller {
            user_id: Some(user_id),
            login,
            display_name,
            role,
            system: false,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user_id
    }
    pub fn login(&self) -> &str {
        &self.login
    }
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn is_system(&self) -> bool {
        self.system
    }

    /// The single check: the system actor may do everything, an account what its role's row allows.
    pub fn may(&self, action: Action) -> bool {
        self.system || action.allows(self.role)
    }

    pub fn require(&self, action: Action) -> Result<(), EngineError> {
        if self.may(action) {
            Ok(())
        } else {
            // At info: the refusal goes back to the caller as an error that says the same (the CLI printed it
            // twice when this was a warning); the desk app's log keeps it.
            tracing::info!(
                action = action.as_str(),
                role = self.role.as_str(),
                "action refused"
            );
            Err(EngineError::Forbidden {
                action,
                role: self.role,
            })
        }
    }
}

impl Engine {
    /// The local system actor: the OS user from the configuration, allowed everything. For the CLI only.
    pub fn system_caller(&self) -> Caller {
        Caller {
            user_id: None,
            login: self.config.actor.user.clone(),
            display_name: self.config.actor.user.clone(),
            role: Role::Administrator,
            system: true,
        }
    }

    /// The audit actor for a caller: the account's login on this workstation.
    pub(crate) fn actor_for(&self, caller: &Caller) -> Actor {
        Actor {
            user: caller.login.clone(),
            workstation: self.config.actor.workstation.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_gives_each_role_exactly_its_duties() {
        let may = |role: Role| -> Vec<&str> {
            Action::ALL
                .into_iter()
                .filter(|a| a.allows(role))
                .map(Action::as_str)
                .collect()
        };
        assert_eq!(
            may(Role::Officer),
            ["view_records", "create_record", "edit_record", "scan", "sign"]
        );
        assert_eq!(
            may(Role::Archivist),
            [
                "view_records",
                "create_record",
                "edit_record",
                "scan",
                "sign",
                "batch"
            ]
        );
        assert_eq!(
            may(Role::Supervisor),
            ["view_records", "review", "statistics", "export", "view_audit"]
        );
        assert_eq!(
            may(Role::Administrator),
            ["view_records", "view_audit", "manage_users", "settings"]
        );
    }

    #[test]
    fn forbidden_is_typed_and_says_what_in_vietnamese() {
        let officer = Caller::account(1, "an".into(), "An".into(), Role::Officer);
        assert!(officer.require(Action::Scan).is_ok());
        let err = officer.require(Action::Review).unwrap_err();
        assert_eq!(err.code(), "auth.forbidden");
        assert!(
            err.message_vi().contains("kiểm duyệt hồ sơ"),
            "{}",
            err.message_vi()
        );
        assert!(
            err.message_vi().contains("Cán bộ tiếp nhận"),
            "{}",
            err.message_vi()
        );
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert_eq!("root".parse::<Role>().unwrap_err().code(), "auth.unknown_role");
    }
}
