//! `sohoa-vault-server --listen ADDR --data DIR`: the reference vault.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use sohoa_vault_server::{ServerConfig, serve};

#[derive(Debug, Parser)]
#[command(
    name = "sohoa-vault-server",
    version,
    about = "Kho dữ liệu tham chiếu — the SoHoa reference vault"
)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8443.
    #[arg(long, value_name = "ADDR")]
    listen: String,
    /// Directory for the index (vault.db) and the files.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Accepted bearer token (repeatable); also SOHOA_VAULT_SERVER_TOKENS (comma-separated).
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Run without authentication (local experiments only).
    #[arg(long)]
    insecure_no_auth: bool,
    /// Directory of trust anchors (PEM/DER): enables the full PAdES check (chain, integrity, changes).
    /// Without it only the structural signature check runs.
    #[arg(long, value_name = "DIR")]
    trust: Option<PathBuf>,
    /// Accept documents without a signature (test vaults only).
    #[arg(long)]
    allow_unsigned: bool,
    /// Largest file accepted, in MiB.
    #[arg(long, default_value_t = 512)]
    max_upload_mib: u64,
    /// Largest PATCH body, in KiB.
    #[arg(long, default_value_t = 8192)]
    max_chunk_kib: usize,
    /// Run as a district relay forwarding every accepted message to this vault (its own outbox).
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Bearer token for the upstream vault (or SOHOA_VAULT_TOKEN).
    #[arg(long, value_name = "TOKEN", env = "SOHOA_VAULT_TOKEN")]
    upstream_token: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SOHOA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut tokens = args.tokens;
    if let Ok(env) = std::env::var("SOHOA_VAULT_SERVER_TOKENS") {
        tokens.extend(
            env.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        );
    }
    if tokens.is_empty() && !args.insecure_no_auth {
        anyhow::bail!(
            "no --token given: refusing to serve without authentication (use --insecure-no-auth for local experiments)"
        );
    }
    let mut config = ServerConfig::new(&args.data);
    config.tokens = tokens;
    config.allow_unsigned = args.allow_unsigned;
    match &args.trust {
        Some(dir) => {
            config.verifier = std::sync::Arc::new(sohoa_vault_server::PadesVerifier::from_dir(dir)?);
        }
        None => tracing::warn!("no --trust directory: signatures get the structural check only"),
    }
    config.max_upload_size = args.max_upload_mib * 1024 * 1024;
    config.max_chunk = args.max_chunk_kib * 1024;
    if let Some(url) = args.upstream {
        let mut upstream = sohoa_vault::VaultConfig::load(&args.data)?;
        upstream.url = Some(url);
        upstream.bearer_token = args.upstream_token.or(upstream.bearer_token);
        config.upstream = Some(sohoa_vault_server::Upstream { config: upstream });
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    // Tests and scripts read this line to learn the port when ADDR ends in :0.
    println!("listening on {addr}");
    tracing::info!(%addr, data = %args.data.display(), "vault listening");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve(listener, config, shutdown).await
}
