//! Building the application and the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Condition;
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::audit::checkpoint::{self, Checkpointer};
use crate::audit::keyring;
use crate::audit::signing::SigningKey;
use crate::auth::keys::KeyMaterial;
use crate::auth::rate_limit::RateLimit;
use crate::auth::revocation::Revocations;
use crate::auth::token::Verifier;
use crate::auth::Auth;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Settings;
use crate::db::pool::PoolOptions;
use crate::db::{migrations, Db};
use crate::http::body::{BodyLimit, BodyTimeout};
use crate::http::conditional::RequireIfMatch;
use crate::http::route_table::RouteTable;
use crate::http::{extractors, fallback, headers, normalize, request_id};
use crate::metrics::Metrics;
use crate::openapi::{self, API_PREFIX};
use crate::state::AppState;

/// Every documented route: the probes and the versioned API.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(crate::health::configure).configure(crate::metrics::configure).service(
        utoipa_actix_web::scope(API_PREFIX)
            .configure(crate::auth::handlers::configure)
            .configure(crate::audit::configure)
            .configure(crate::consignees::configure)
            .configure(crate::memoranda::configure)
            .configure(crate::clause_templates::configure)
            .configure(crate::data_categories::configure)
            .configure(crate::entrustments::configure)
            .configure(crate::sub_consignments::configure)
            .configure(crate::review_checklist::configure)
            .configure(crate::reviews::configure)
            .configure(crate::findings::configure)
            .configure(crate::certifications::configure)
            .configure(crate::incidents::configure)
            .configure(crate::compliance::configure)
            .configure(crate::reports::configure)
            .configure(crate::events::configure)
            .configure(crate::webhooks::configure)
            .configure(crate::privacy::handlers::configure),
    );
}

/// A built server, bound and ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    auth: web::Data<Auth>,
}

impl Application {
    /// Connects, migrates, loads keys and binds, on the wall clock.
    pub async fn build(settings: Settings) -> Result<Self, String> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with the clock given (tests fix "today").
    pub async fn build_with_clock(settings: Settings, clock: SharedClock) -> Result<Self, String> {
        let db = open_database(&settings, settings.pool_options()).await?;
        let embedded = !db.backend().is_postgres();
        let keys = KeyMaterial::load(&settings, embedded)?;
        let checkpointer = open_checkpointer(&settings, &db, &clock).await?;
        checkpointer.sign_at_start(&db, clock.now()).await.map_err(|e| format!("cannot sign the audit chain: {e}"))?;
        crate::reviews::schedule::reconcile(&db, settings.review_intervals(), settings.time_zone).await?;
        let auth = web::Data::new(Auth {
            verifier: Verifier::new(keys, &settings),
            revocations: Revocations::new(db.clone(), Duration::from_secs(settings.revocation_cache_secs)),
            rate_limit: RateLimit::new(settings.http.rate_limit_per_minute, settings.http.rate_limit_burst),
        });
        crate::http::headers::check_origins(&settings.http)?;
        let listener =
            TcpListener::bind(&settings.bind).map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let doc = openapi::document();
        let table = RouteTable::from_openapi(&doc);
        let routes = table.templates().chain(UNDOCUMENTED_ROUTES.map(str::to_owned));
        let state = web::Data::new(AppState {
            db: db.clone(),
            clock: clock.clone(),
            checkpointer: checkpointer.clone(),
            time_zone: settings.time_zone,
            document_limit: settings.document_limit,
            import_limit: settings.import_limit,
            review_intervals: settings.review_intervals(),
            compliance_windows: settings.compliance_windows(),
            report_deadlines: settings.report_deadlines(),
            body_limit: settings.body_limit,
            idempotency_ttl: idempotency_ttl(&settings)?,
            idempotency_lease: idempotency_lease(&settings)?,
            webhooks: settings.webhooks(),
            webhook_polls: Default::default(),
            metrics: Arc::new(Metrics::new(settings.metrics, &db, routes)),
            consignee_views: Default::default(),
            erasure_retain: settings.erasure_retain.clone(),
        });
        let webhook_client = crate::webhooks::worker::client(&state.webhooks)?;
        let server = serve(listener, &settings, (doc, table), state.clone(), auth.clone())
            .map_err(|e| format!("cannot start the server: {e}"))?;
        checkpoint::spawn_schedule(checkpointer, db, clock);
        if settings.compliance_snapshots {
            crate::compliance::snapshot::spawn_schedule(state.clone());
        }
        crate::housekeeping::spawn(state.clone());
        if !settings.event_scan_interval.is_zero() {
            crate::events::schedule::spawn(state.clone(), settings.event_scan_interval);
        }
        crate::webhooks::worker::spawn(state.clone(), webhook_client);
        Ok(Self { port, server, state, auth })
    }

    /// The bound port (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database the server uses.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The state handlers share (tests drive scheduled work through it).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Token verification and the revocation cache.
    pub fn auth(&self) -> web::Data<Auth> {
        self.auth.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then drains in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// `CR_IDEMPOTENCY_TTL`, between a minute and a year.
fn idempotency_ttl(settings: &Settings) -> Result<chrono::Duration, String> {
    let ttl = settings.idempotency_ttl;
    if !(Duration::from_secs(60)..=Duration::from_secs(366 * 86_400)).contains(&ttl) {
        return Err(format!("CR_IDEMPOTENCY_TTL must be between 1m and 366d, not {ttl:?}"));
    }
    chrono::Duration::from_std(ttl).map_err(|e| format!("CR_IDEMPOTENCY_TTL is out of range: {e}"))
}

/// `CR_IDEMPOTENCY_LEASE`, between a second and an hour.
fn idempotency_lease(settings: &Settings) -> Result<Duration, String> {
    let lease = settings.idempotency_lease;
    match (Duration::from_secs(1)..=Duration::from_secs(3600)).contains(&lease) {
        true => Ok(lease),
        false => Err(format!("CR_IDEMPOTENCY_LEASE must be between 1s and 1h, not {lease:?}")),
    }
}

/// Opens the pool with `options` and applies pending migrations.
pub async fn open_database(settings: &Settings, options: PoolOptions) -> Result<Db, String> {
    let url = settings.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let db = Db::connect(&url, &options)?;
        let mut conn = db.get_blocking().map_err(|e| format!("cannot connect to the database: {e}"))?;
        let applied = migrations::run_pending(&mut conn).map_err(|e| format!("cannot migrate the database: {e}"))?;
        if applied > 0 {
            tracing::info!(applied, "applied migrations");
        }
        Ok(db)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Loads the checkpoint signing key and records its public half (a new key vouches for the old).
pub async fn open_checkpointer(settings: &Settings, db: &Db, clock: &SharedClock) -> Result<Checkpointer, String> {
    let key = SigningKey::load(settings, !db.backend().is_postgres())?;
    let (interval, grace) = (settings.audit_checkpoint_interval, settings.audit_checkpoint_grace);
    let checkpointer = Checkpointer::new(key, interval, grace, settings.time_zone);
    let (signer, at) = (checkpointer.clone(), clock.now());
    db.write(move |conn| keyring::register(conn, signer.key(), at))
        .await
        .map_err(|e| format!("cannot record the audit signing key: {e}"))?;
    Ok(checkpointer)
}

/// Served outside the OpenAPI document: Swagger UI (its assets, and the redirects to it) and the
/// document itself.
const SWAGGER_UI: &str = "/swagger-ui/{_:.*}";
const DOCUMENT: &str = "/api-docs/openapi.json";
const UNDOCUMENTED_ROUTES: [&str; 4] = [SWAGGER_UI, DOCUMENT, "/swagger-ui", "/"];

fn serve(
    listener: TcpListener,
    settings: &Settings,
    (doc, table): (utoipa::openapi::OpenApi, RouteTable),
    state: web::Data<AppState>,
    auth: web::Data<Auth>,
) -> std::io::Result<Server> {
    let table = web::Data::new(table);
    let (limit, if_match) = (BodyLimit(settings.body_limit), RequireIfMatch(settings.require_if_match));
    let (body_timeout, http) = (BodyTimeout(settings.http.request_body_timeout), settings.http.clone());
    let server = HttpServer::new(move || {
        let (app, _) = App::new().into_utoipa_app().configure(routes).split_for_parts();
        with_plumbing(app, table.clone(), state.metrics.clone())
            .wrap(Condition::new(headers::cors_enabled(&http), headers::cors(&http)))
            .app_data(state.clone())
            .app_data(auth.clone())
            .app_data(table.clone())
            .app_data(limit)
            .app_data(body_timeout)
            .app_data(if_match)
            .app_data(extractors::path_config())
            .app_data(extractors::query_config())
            .service(SwaggerUi::new(SWAGGER_UI).url(DOCUMENT, doc.clone()))
            .route("/swagger-ui", web::get().to(|| redirect("/swagger-ui/")))
            .route("/", web::get().to(|| redirect("/swagger-ui/")))
            .default_service(web::to(fallback::not_routed))
    })
    .client_request_timeout(settings.http.request_head_timeout)
    .keep_alive(settings.http.keep_alive)
    .max_connections(settings.http.max_connections)
    .listen(listener)?
    .shutdown_timeout(10);
    let server = if settings.workers > 0 { server.workers(settings.workers) } else { server };
    Ok(server.run())
}

async fn redirect(to: &'static str) -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, to)).finish()
}

/// Around the routes, outermost first: HEAD and trailing-slash normalization, the request id
/// (kept from the caller when sane, echoed as `X-Request-Id`), the request's log span, the route
/// guard (undocumented methods and query parameters, the caller's authorization, the route's
/// body limit), and Idempotency-Key; requests are counted and timed per route template for
/// `/metrics`.
fn with_plumbing<T>(
    app: App<T>,
    table: web::Data<RouteTable>,
    metrics: Arc<Metrics>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
{
    app.wrap(actix_web::middleware::from_fn(crate::idempotency::handle))
        .wrap(actix_web::middleware::from_fn(crate::auth::guard::authorize))
        .wrap(TracingLogger::<request_id::RootSpan>::new())
        .wrap_fn(move |req, srv| {
            let (started, method, metrics) = (std::time::Instant::now(), req.method().clone(), metrics.clone());
            let response = srv.call(req);
            async move {
                let response = response.await?;
                let pattern = response.request().match_pattern();
                let labels = metrics.labels(&method, pattern, response.status().as_u16());
                metrics.observe_request(labels, started.elapsed());
                Ok(response)
            }
        })
        .wrap_fn(|req, srv| {
            let id = request_id::assign(&req);
            let response = srv.call(req);
            async move {
                let mut response = response.await?;
                if let Ok(value) = HeaderValue::from_str(&id.0) {
                    response.headers_mut().insert(request_id::HEADER, value);
                }
                let asset = response.request().path().starts_with("/swagger-ui/");
                headers::harden(response.headers_mut(), asset);
                Ok(response)
            }
        })
        .wrap_fn(move |mut req, srv| {
            normalize::normalize(&mut req, &table);
            srv.call(req)
        })
}
