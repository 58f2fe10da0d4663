//! Webhook request and response types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::events::api::EventType;
use crate::http::patch::{double_option, non_null, non_null_trimmed};

/// An endpoint events are delivered to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e05-9c4d-7e5f-8a6b-7c8d9e0f1a2b", "url": "https://contracts.example.com/hooks/registry",
    "description": "Contract system", "event_types": ["memorandum.signed", "memorandum.expiring"],
    "enabled": true, "disabled_reason": null, "disabled_at": null, "previous_secret_expires_at": null,
    "created_at": "2026-11-28T00:00:00Z", "updated_at": "2026-11-28T00:00:00Z",
    "created_by": "admin@example.com", "updated_by": "admin@example.com", "version": 1
}))]
pub struct Webhook {
    pub id: String,
    /// Where events are POSTed (`http` or `https`; redirects are not followed).
    pub url: String,
    pub description: Option<String>,
    /// The event types delivered; empty means every type.
    pub event_types: Vec<EventType>,
    /// Whether events are delivered; an endpoint that keeps failing is disabled.
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// After a rotation, until when the previous secret also signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_by: String,
    pub version: i64,
}

/// A new webhook with its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "webhook": {"id": "01a21e05-9c4d-7e5f-8a6b-7c8d9e0f1a2b", "url": "https://contracts.example.com/hooks/registry",
        "description": null, "event_types": [], "enabled": true, "disabled_reason": null, "disabled_at": null,
        "previous_secret_expires_at": null, "created_at": "2026-11-28T00:00:00Z", "updated_at": "2026-11-28T00:00:00Z",
        "created_by": "admin@example.com", "updated_by": "admin@example.com", "version": 1},
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
}))]
pub struct WebhookWithSecret {
    pub webhook: Webhook,
    /// The signing secret (`whsec_` and base64): store it now, it is not shown again.
    pub secret: String,
}

/// A webhook to register.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://contracts.example.com/hooks/registry", "event_types": ["memorandum.signed"], "description": "Contract system"}))]
pub struct WebhookInput {
    /// `http` or `https` URL; addresses that are not globally reachable (IANA's special-purpose
    /// registries: private, loopback, link-local, documentation, …) are refused unless allowed.
    #[serde(deserialize_with = "crate::http::body::trimmed")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// Event types to deliver; empty or absent means every type.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub event_types: Vec<EventType>,
    /// What it is for.
    #[serde(default)]
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub description: Option<String>,
}

/// Changes to a webhook: absent fields stay; `enabled: true` re-enables a disabled one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct WebhookPatch {
    /// New URL.
    #[serde(default, deserialize_with = "non_null_trimmed")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, nullable = false)]
    pub url: Option<String>,
    /// Event types to deliver; empty means every type.
    #[serde(default, deserialize_with = "non_null")]
    #[validate(length(max = 100))]
    #[schema(max_items = 100, nullable = false)]
    pub event_types: Option<Vec<EventType>>,
    /// What it is for.
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(min = 1, max = 500))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 500)]
    pub description: Option<Option<String>>,
    /// Deliver events (re-enabling clears the reason it was disabled).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
}

/// A rotated secret: the new one, shown this once, and until when the old one still signs.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "previous_secret_expires_at": "2026-11-29T00:00:00Z"}))]
pub struct RotatedSecret {
    /// The new signing secret: store it now, it is not shown again.
    pub secret: String,
    /// Until then deliveries carry a signature by each secret.
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::EnumString, strum::AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet; retried with backoff.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Given up after retrying for the configured time.
    Failed,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"attempt": 1, "at": "2026-11-28T00:00:01Z", "status_code": 503, "latency_ms": 42, "error": "HTTP 503"}))]
pub struct DeliveryAttempt {
    pub attempt: i32,
    pub at: DateTime<Utc>,
    /// The answer's status, when there was one.
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// Why it failed (`null` on success).
    pub error: Option<String>,
}

/// An event's delivery to a webhook, with every attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01a21e05-ad5e-7f6a-9b7c-8d9e0f1a2b3c", "webhook_id": "01a21e05-9c4d-7e5f-8a6b-7c8d9e0f1a2b",
    "event_seq": 1042, "event_type": "memorandum.signed", "status": "succeeded",
    "created_at": "2026-11-28T00:00:00Z", "next_attempt_at": null, "delivered_at": "2026-11-28T00:00:02Z",
    "attempts": [{"attempt": 1, "at": "2026-11-28T00:00:01Z", "status_code": 503, "latency_ms": 42, "error": "HTTP 503"},
        {"attempt": 2, "at": "2026-11-28T00:00:02Z", "status_code": 204, "latency_ms": 12, "error": null}]
}))]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    /// The event's `seq` (its `webhook-id` header is `evt_<seq>`).
    pub event_seq: i64,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub created_at: DateTime<Utc>,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

/// Filtering a webhook's deliveries.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this status.
    pub status: Option<DeliveryStatus>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(format = Uuid)]
    pub cursor: Option<uuid::Uuid>,
}

/// Paging through webhooks.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (a webhook id).
    pub cursor: Option<uuid::Uuid>,
}
