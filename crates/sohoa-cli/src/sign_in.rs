//! `--as LOGIN --as-password-env VAR`: the commands a desk account may run (accounts, review, reports) act
//! for that account, role-checked in the engine, instead of as the local system actor.

use anyhow::Context;
use clap::Args;
use sohoa_engine::{Caller, Engine};

#[derive(Debug, Args)]
pub struct SignIn {
    /// Sign in as this account instead of acting as the local system actor.
    #[arg(
        long = "as",
        value_name = "LOGIN",
        global = true,
        requires = "as_password_env"
    )]
    pub as_login: Option<String>,
    /// Environment variable holding the password of `--as`.
    #[arg(long, value_name = "VAR", global = true)]
    pub as_password_env: Option<String>,
}

impl SignIn {
    /// The account signed in with `--as`, else the local system actor.
    pub fn caller(&self, engine: &Engine) -> anyhow::Result<Caller> {
        match (&self.as_login, &self.as_password_env) {
            (Some(login), Some(var)) => {
                let password =
                    std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?;
                Ok(engine.authenticate(login, &password)?)
            }
            _ => Ok(engine.system_caller()),
        }
    }
}
