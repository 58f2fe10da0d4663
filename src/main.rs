//! The `consignee-registry` command: serve (default), migrate, openapi, token, seed, audit verify.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use consignee_registry::audit::api::Expectation;
use consignee_registry::auth::keys::KeyMaterial;
use consignee_registry::auth::token::{Claims, RoleClaim};
use consignee_registry::auth::Role;
use consignee_registry::clock::{SharedClock, SystemClock};
use consignee_registry::config::Settings;
use consignee_registry::db::pool::Backend;
use consignee_registry::seed::{self, SeedOptions};
use consignee_registry::{audit, openapi, startup, telemetry};

/// Registry of the outside processors (consignees) that handle your personal data.
#[derive(Parser)]
#[command(name = "consignee-registry", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print a signed bearer token (HS256 with the configured or generated secret).
    Token {
        /// Subject: who the token is for.
        #[arg(long)]
        sub: String,
        /// Role granted by the token.
        #[arg(long, value_enum)]
        role: Role,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Lifetime, e.g. `8h`, `30d`.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
    /// Add realistic, reproducible consignees with their memoranda, entrustments, reviews,
    /// findings and certifications (every record audited; every compliance standing occurs).
    Seed {
        /// How many consignees to add.
        #[arg(long, default_value_t = 1000)]
        consignees: u64,
        /// Seed of the generator: the same seed on the same day gives the same records.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A small set to explore in Swagger UI after the quick start (30 consignees).
        #[arg(long, conflicts_with = "consignees")]
        demo: bool,
    },
    /// Copy the embedded database to FILE while the server runs (consistent, checked, owner-only).
    Backup {
        /// The copy to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the chain, its signed checkpoints and any kept heads; print the report (exit 1 when anything fails).
    Verify {
        /// A chain head kept from an earlier report or checkpoint, as `SEQ:HASH` (repeatable).
        #[arg(long = "expect", value_name = "SEQ:HASH")]
        expect: Vec<String>,
    },
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = cli.settings;
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            use std::io::Write;
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = std::io::stdout().write_all(openapi::document_json().as_bytes());
            Ok(())
        }
        Command::Token { sub, role, name, ttl } => token(&settings, &sub, role, name, ttl),
        command => {
            telemetry::init(&settings.log, settings.log_format);
            run(command, settings).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Migrate => startup::open_database(&settings, settings.one_shot_pool_options())
            .await
            .map(|_| eprintln!("database is up to date")),
        Command::Audit { command: AuditCommand::Verify { expect } } => verify(&settings, &expect).await,
        Command::Backup { to } => backup(&settings, to).await,
        Command::Seed { consignees, seed, demo } => {
            let consignees = if demo { DEMO_CONSIGNEES } else { consignees };
            seed_database(&settings, SeedOptions { consignees, seed }).await
        }
        _ => serve(settings).await,
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let app = startup::Application::build(settings.clone()).await?;
    let host = settings.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let url = format!("http://{host}:{}", app.port());
    tracing::info!(%url, "listening; Swagger UI at {url}/swagger-ui/");
    eprintln!("consignee-registry listening on {url} — Swagger UI: {url}/swagger-ui/");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// How many consignees `seed --demo` adds.
const DEMO_CONSIGNEES: u64 = 30;

async fn seed_database(settings: &Settings, options: SeedOptions) -> Result<(), String> {
    let db = startup::open_database(settings, settings.one_shot_pool_options()).await?;
    let started = std::time::Instant::now();
    let summary =
        seed::run(&db, settings.supervision(), chrono::Utc::now(), options).await.map_err(|e| e.to_string())?;
    let (seconds, statements) = (started.elapsed().as_secs_f64(), db.queries_run());
    eprintln!("added {} consignees in {seconds:.1} s ({statements} statements):", options.consignees);
    for (story, count) in summary {
        eprintln!("  {story:<22} {count}");
    }
    Ok(())
}

async fn backup(settings: &Settings, to: std::path::PathBuf) -> Result<(), String> {
    let url = settings.database_url.clone();
    let target = to.clone();
    let copied = tokio::task::spawn_blocking(move || consignee_registry::db::backup::backup(&url, &target))
        .await
        .map_err(|e| e.to_string())??;
    eprintln!(
        "copied the database to {} ({} bytes, {} audit events); restore: see the README",
        to.display(),
        copied.bytes,
        copied.audit_events
    );
    Ok(())
}

fn token(settings: &Settings, sub: &str, role: Role, name: Option<String>, ttl: Duration) -> Result<(), String> {
    let embedded = !Backend::from_url(&settings.database_url)?.is_postgres();
    let keys = KeyMaterial::load(settings, embedded)?;
    if ttl > settings.jwt_max_ttl {
        let max = humantime::format_duration(settings.jwt_max_ttl);
        return Err(format!("--ttl is longer than the server accepts (CR_JWT_MAX_TTL = {max})"));
    }
    let mut claims = Claims::new(sub, role.as_str(), name, ttl);
    RoleClaim::from_settings(settings).set(&mut claims, role);
    claims.iss = settings.jwt_issuer.clone();
    claims.aud = settings.jwt_audience.clone().map(serde_json::Value::String);
    println!("{}", keys.mint(&claims)?);
    eprintln!("use it as: Authorization: Bearer <token> (valid for {})", humantime::format_duration(ttl));
    Ok(())
}

async fn verify(settings: &Settings, expect: &[String]) -> Result<(), String> {
    let expected = match expect.is_empty() {
        true => Vec::new(),
        false => Expectation::parse_list(&expect.join(",")).map_err(|_| "--expect takes SEQ:HASH".to_owned())?,
    };
    let db = startup::open_database(settings, settings.one_shot_pool_options()).await?;
    let clock: SharedClock = Arc::new(SystemClock);
    let checkpointer = startup::open_checkpointer(settings, &db, &clock).await?;
    let now = clock.now();
    let report = db
        .run(move |conn| audit::verify::verify(conn, &checkpointer, now, &expected))
        .await
        .map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    match report.problems.first() {
        None => Ok(()),
        Some(problem) => Err(format!("the audit trail does not verify: {}", problem.detail)),
    }
}
