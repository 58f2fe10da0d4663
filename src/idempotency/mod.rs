//! `Idempotency-Key` on every POST (IETF httpapi draft): the first request's response is kept
//! with a hash of the request, a retry with the same key and request gets that response again
//! without running twice, the same key with another request is 422, and a retry while the first
//! still runs is 409. The response commits in the transaction of the change it answers, so after a
//! crash a retry finds either both or neither; a claim's lease, renewed while its request runs,
//! lets a retry take over from a holder that died. Keys belong to the caller (the token's subject)
//! and expire (`CR_IDEMPOTENCY_TTL`, 24 h by default).

pub mod store;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use sha2::{Digest, Sha256};

use std::sync::Arc;

use self::store::{Claim, StoredResponse};
use crate::auth::guard::RouteBodyLimit;
use crate::auth::Caller;
use crate::db::held::HeldWrite;
use crate::error::ApiError;
use crate::state::AppState;

/// The request header naming the key.
pub const HEADER: &str = "idempotency-key";
/// The response header marking a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// The longest key accepted.
pub const MAX_LEN: usize = 255;
/// The key's pattern: printable ASCII, not starting or ending with a space.
pub const PATTERN: &str = "^[!-~]([ -~]*[!-~])?$";
/// Headers a replay does not repeat: the connection's own, and the request id (the retry's).
const NOT_KEPT: [&str; 5] = ["content-length", "transfer-encoding", "connection", "date", "x-request-id"];

/// The key of a POST that carries one: 1–255 printable ASCII characters, not starting or ending
/// with a space (400 otherwise).
fn key_of(req: &ServiceRequest) -> Option<Result<String, ApiError>> {
    if req.method() != Method::POST || !req.path().starts_with(crate::openapi::API_PREFIX) {
        return None;
    }
    let value = req.headers().get(HEADER)?;
    let sane =
        |k: &str| (1..=MAX_LEN).contains(&k.len()) && k.bytes().all(|b| (0x20..0x7f).contains(&b)) && k.trim() == k;
    Some(match value.to_str() {
        Ok(key) if sane(key) => Ok(key.to_owned()),
        _ => Err(ApiError::BadRequest(format!("{HEADER} must be 1 to {MAX_LEN} printable ASCII characters"))),
    })
}

fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let header = |name| req.headers().get(name).map(|v: &header::HeaderValue| v.as_bytes()).unwrap_or_default();
    let (content_type, if_match) = (header(header::CONTENT_TYPE), header(header::IF_MATCH));
    let mut hash = Sha256::new();
    let parts = [
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
        content_type,
        if_match,
    ];
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update(body);
    hex::encode(hash.finalize())
}

fn replay(stored: StoredResponse) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    for (name, value) in stored.headers {
        response.append_header((name, value));
    }
    response.insert_header((REPLAYED, "true")).body(stored.body)
}

/// The middleware: passes every request without a key through untouched.
pub async fn handle(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match key_of(&req) {
        None => return Ok(next.call(req).await?.map_into_boxed_body()),
        Some(Err(e)) => return Ok(req.error_response(e)),
        Some(Ok(key)) => key,
    };
    // The guard has authenticated and authorized the caller and knows the route's body limit;
    // a request it refused never gets here, so a refused request claims no key.
    let authorized = (req.extensions().get::<Caller>().cloned(), req.extensions().get::<RouteBodyLimit>().copied());
    let (Some(caller), Some(state)) = (authorized.0, req.app_data::<web::Data<AppState>>().cloned()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let limit = authorized.1.map_or(state.body_limit, |l| l.0);
    let payload = req.take_payload();
    let body = match crate::http::body::read_at_most(req.request(), payload, limit).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let hash = request_hash(&req, &body);
    req.set_payload(actix_web::dev::Payload::from(body));
    let (at, owner) = (state.clock.now(), (caller.sub.clone(), key.clone()));
    let terms = (state.idempotency_ttl, lease_of(&state));
    let claimed = state.db.write(move |c| store::claim(c, (&owner.0, &owner.1), &hash, at, terms)).await;
    let claimed_at = match claimed {
        Ok(Claim::Run(claimed_at)) => claimed_at,
        Ok(Claim::Replay(stored)) => return Ok(req.into_response(replay(stored))),
        Ok(Claim::Running) => {
            let e = ApiError::Conflict(format!("a request with this {HEADER} is still running; retry later"));
            return Ok(req.error_response(e));
        }
        Ok(Claim::Mismatch) => {
            let message = format!("this {HEADER} was used with a different request");
            return Ok(req.error_response(ApiError::invalid(HEADER, "reused", &message)));
        }
        Err(e) => return Ok(req.error_response(e)),
    };
    let owner: store::Owner = (caller.sub, key, claimed_at);
    let renewal = Renewal(actix_web::rt::spawn(renew_while_running(state.clone(), owner.clone())));
    let held = Arc::new(HeldWrite::default());
    let answered = held.clone().scope(next.call(req)).await;
    drop(renewal);
    match answered {
        Ok(response) => keep(&state, owner, &held, response).await,
        Err(e) => {
            abandon(&state, owner, &held).await;
            Err(e)
        }
    }
}

/// The claim's lease as a span of stored time.
fn lease_of(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(state.idempotency_lease).unwrap_or(chrono::Duration::seconds(30))
}

/// The task renewing a claim's lease, stopped when the request has answered, and also when its
/// future is dropped (the client went away): the lease then runs out and a retry runs it.
struct Renewal(tokio::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Renews the claim's lease every third of it while the request runs (a task of its own, so its
/// writes commit at once rather than with the request's).
async fn renew_while_running(state: web::Data<AppState>, owner: store::Owner) {
    loop {
        tokio::time::sleep(state.idempotency_lease / 3).await;
        let (until, mine) = (state.clock.now().naive_utc() + lease_of(&state), owner.clone());
        if let Err(e) = state.db.write(move |c| store::renew(c, &mine, until)).await {
            tracing::debug!(error = %e, "could not renew an idempotency lease");
        }
    }
}

async fn release(state: &AppState, owner: store::Owner) {
    if let Err(e) = state.db.write(move |c| store::release(c, &owner)).await {
        tracing::warn!(error = %e, "could not release an idempotency key");
    }
}

/// Rolls back what the request wrote and frees its key, so a retry runs it again.
async fn abandon(state: &AppState, owner: store::Owner, held: &HeldWrite) {
    if let Err(e) = state.db.end_held(held, |_| Ok(false)).await {
        tracing::warn!(error = %e, "could not roll back an idempotent request");
    }
    release(state, owner).await;
}

/// Stores a response (not a server error or a 429) for retries, in the transaction of the change
/// it answers when the request wrote one, and passes it on; a server error or a 429 rolls the
/// change back and frees the key.
async fn keep(
    state: &AppState,
    owner: store::Owner,
    held: &HeldWrite,
    response: ServiceResponse<impl MessageBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = match to_bytes(body).await {
        Ok(body) => body,
        Err(e) => {
            abandon(state, owner, held).await;
            return Err(actix_web::error::ErrorInternalServerError(e.into().to_string()));
        }
    };
    let status = head.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        abandon(state, owner, held).await;
        return Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))));
    }
    let headers = head
        .headers()
        .iter()
        .filter(|(name, _)| !NOT_KEPT.contains(&name.as_str()))
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.to_string(), v.to_owned())))
        .collect();
    let stored = StoredResponse { status: status.as_u16(), headers, body: body.to_vec() };
    let (mine, kept) = (owner.clone(), stored.clone());
    match state.db.end_held(held, move |c| store::finish(c, &mine, &kept)).await {
        Ok(Some(true)) => {}
        Ok(Some(false)) => {
            let e = ApiError::Conflict(format!(
                "this request's claim on its {HEADER} ran out and a retry took it over; nothing was changed"
            ));
            return Ok(ServiceResponse::from_err(e, req).map_into_boxed_body());
        }
        // Nothing was written: the response is kept on its own (should that fail, the key's lease
        // runs out and a retry runs the request, which changed nothing, again).
        Ok(None) => {
            if let Err(e) = state.db.write(move |c| store::finish(c, &owner, &stored)).await {
                tracing::warn!(error = %e, "could not keep the response of an idempotent request");
            }
        }
        Err(e) => {
            release(state, owner).await;
            return Ok(ServiceResponse::from_err(e, req).map_into_boxed_body());
        }
    }
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}
