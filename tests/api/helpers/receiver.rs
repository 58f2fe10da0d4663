//! A webhook receiver on 127.0.0.1: records every request and answers as told (failing the first
//! few on purpose, say), and checks Standard Webhooks signatures independently of the server.

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use aws_lc_rs::hmac;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: String,
    /// `webhook-signature`.
    pub signature: String,
    /// The body.
    pub body: String,
    /// The status it was answered with.
    pub answered: u16,
}

/// What the receiver does.
#[derive(Default)]
pub struct Behaviour {
    /// Requests still to fail with 503.
    pub failures_left: AtomicUsize,
    /// The answer after that (204 unless set).
    pub status: AtomicU16,
    /// Everything received, in order.
    pub received: Mutex<Vec<Received>>,
}

/// A running receiver.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    /// Its behaviour and what it got.
    pub state: Arc<Behaviour>,
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<Behaviour>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let failing = state.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let answered = if failing { 503 } else { state.status.load(Ordering::SeqCst) };
    state.received.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
        answered,
    });
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(answered).unwrap());
    if (300..400).contains(&answered) {
        response.insert_header(("location", "/hook"));
    }
    response.finish()
}

impl Receiver {
    /// Starts a receiver that fails the first `failures` requests with 503, then answers 204.
    pub async fn start(failures: usize) -> Self {
        let state = Arc::new(Behaviour {
            failures_left: AtomicUsize::new(failures),
            status: AtomicU16::new(204),
            ..Default::default()
        });
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/hook", web::post().to(receive)))
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self { url: format!("http://127.0.0.1:{port}/hook"), state }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// The requests answered 2xx.
    pub fn delivered(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| (200..300).contains(&r.answered)).collect()
    }

    /// Waits up to 10 s until `done` holds of what was received.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) {
        for _ in 0..400 {
            if done(&self.received()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the receiver never saw {what}: {:#?}", self.received());
    }
}

/// Whether one of the request's signatures is by `secret` (Standard Webhooks, computed here).
pub fn signed_by(received: &Received, secret: &str) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let message = format!("{}.{}.{}", received.id, received.timestamp, received.body);
    let expected = format!("v1,{}", STANDARD.encode(hmac::sign(&key, message.as_bytes()).as_ref()));
    received.signature.split(' ').any(|s| s == expected)
}
