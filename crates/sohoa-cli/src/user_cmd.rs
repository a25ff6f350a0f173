//! `sohoa user add|list|passwd|disable|enable`: local accounts of the desktop app.
//!
//! Passwords are read from an environment variable named by `--password-env`, never from the command line,
//! where `ps` and shell history would show them. Without `--as`, the command acts as the local system actor
//! (whoever can run it already holds the data directory); with `--as LOGIN --as-password-env VAR` it signs in
//! first and the account's role is checked like in the app. The first administrator of a fresh data
//! directory can always be created.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use sohoa_engine::{Engine, NewUserRequest, Role, UserView};

use crate::output::print_json;

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub sign_in: crate::sign_in::SignIn,
    #[command(subcommand)]
    pub cmd: UserCmd,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create an account.
    Add {
        login: String,
        /// Display name (e.g. "Nguyễn Thị Hoa").
        #[arg(long)]
        name: String,
        /// officer, archivist, supervisor or administrator.
        #[arg(long)]
        role: String,
        /// Environment variable holding the new password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// List accounts.
    List,
    /// Set a new password.
    Passwd {
        login: String,
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// Disable an account (it can no longer sign in).
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
}

fn secret(var: &str) -> anyhow::Result<String> {
    let value = std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?;
    Ok(value)
}

fn print_user(u: &UserView) {
    let state = match (u.disabled, u.locked) {
        (true, _) => "đã khóa / disabled",
        (false, true) => "tạm khóa / locked",
        (false, false) => "hoạt động / active",
    };
    println!(
        "{:<20}  {:<14}  {:<20}  {}{}",
        u.login,
        u.role.as_str(),
        state,
        u.display_name,
        if u.training { "  [tập huấn]" } else { "" }
    );
}

pub fn run(engine: &Engine, args: &UserArgs, json: bool) -> anyhow::Result<ExitCode> {
    let caller = args.sign_in.caller(engine)?;
    match &args.cmd {
        UserCmd::Add {
            login,
            name,
            role,
            password_env,
        } => {
            let req = NewUserRequest {
                login: login.clone(),
                display_name: name.clone(),
                role: role.parse::<Role>()?,
                password: secret(password_env)?,
            };
            let user = engine.create_user(Some(&caller), &req)?;
            if json {
                print_json(&user)?;
            } else {
                println!(
                    "Đã tạo tài khoản / account created: {} ({})",
                    user.login, user.role
                );
            }
        }
        UserCmd::List => {
            let users = engine.list_users(&caller)?;
            if json {
                print_json(&users)?;
            } else if users.is_empty() {
                println!("(chưa có tài khoản nào — no accounts)");
            } else {
                users.iter().for_each(print_user);
            }
        }
        UserCmd::Passwd { login, password_env } => {
            engine.set_password(&caller, login, &secret(password_env)?)?;
            done(json, "Đã đổi mật khẩu / password changed")?;
        }
        UserCmd::Disable { login } => {
            engine.set_user_disabled(&caller, login, true)?;
            done(json, "Đã khóa tài khoản / account disabled")?;
        }
        UserCmd::Enable { login } => {
            engine.set_user_disabled(&caller, login, false)?;
            done(json, "Đã mở khóa tài khoản / account enabled")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn done(json: bool, text: &str) -> anyhow::Result<()> {
    if json {
        print_json(&serde_json::json!({"ok": true}))
    } else {
        println!("{text}");
        Ok(())
    }
}
