//! `sohoa user`: accounts created and managed through the real binary, passwords only through the
//! environment, and role checks when the command signs in with `--as`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Output;

fn run(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = support::sohoa(data, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn accounts_are_added_listed_changed_and_disabled_with_roles_checked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let pw = [
        ("PW_ADMIN", "quan-tri-123"),
        ("PW_HOA", "mat-khau-hoa"),
        ("PW_NEW", "mat-khau-moi"),
    ];
    let add = |login: &str, role: &str, var: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "add",
            login,
            "--name",
            "Nguyễn Thị Hoa",
            "--role",
            role,
            "--password-env",
            var,
        ];
        args.extend_from_slice(extra);
        run(data, &args, &pw)
    };
    // The system actor (no --as) bootstraps the administrator.
    let out = add("admin", "administrator", "PW_ADMIN", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Signed in as the administrator: creating an officer is allowed.
    let out = add(
        "Hoa",
        "officer",
        "PW_HOA",
        &["--as", "admin", "--as-password-env", "PW_ADMIN"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Signed in as the officer: refused with the forbidden code and the input exit code.
    let out = add(
        "binh",
        "officer",
        "PW_NEW",
        &["--as", "hoa", "--as-password-env", "PW_HOA"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("[auth.forbidden]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("Không có quyền"), "{}", stderr(&out));
    // A wrong password for --as is the generic failure.
    let out = run(
        data,
        &["user", "list", "--as", "admin", "--as-password-env", "PW_HOA"],
        &pw,
    );
    assert!(stderr(&out).contains("[auth.failed]"), "{}", stderr(&out));
    // A missing variable is an error, and a password is never taken from argv.
    let out = run(
        data,
        &["user", "passwd", "hoa", "--password-env", "PW_UNSET"],
        &pw,
    );
    assert!(!out.status.success());
    let out = run(data, &["user", "passwd", "hoa", "--password", "x"], &pw);
    assert_eq!(out.status.code(), Some(2), "no --password flag");

    let out = run(data, &["user", "passwd", "hoa", "--password-env", "PW_NEW"], &pw);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(data, &["user", "disable", "hoa"], &pw);
    assert!(out.status.success(), "{}", stderr(&out));

    let list = support::json(&["user", "list"], |a| run(data, a, &pw));
    let users = list.as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1]["login"], "hoa", "logins are case-folded");
    assert_eq!(users[1]["role"], "officer");
    assert_eq!(users[1]["disabled"], true);
    assert!(users[1].get("password_hash").is_none());
    let text = String::from_utf8_lossy(&run(data, &["user", "list"], &pw).stdout).into_owned();
    assert!(text.contains("hoa") && text.contains("disabled"), "{text}");

    let log = support::json(&["audit", "log"], |a| run(data, a, &pw)).to_string();
    for secret in ["quan-tri-123", "mat-khau-hoa", "mat-khau-moi"] {
        assert!(!log.contains(secret), "password in the audit log");
    }
    assert!(
        log.contains("user.disable") && log.contains("user.password"),
        "{log}"
    );
}
