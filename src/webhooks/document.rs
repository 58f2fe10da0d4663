//! The OpenAPI 3.1 `webhooks` entry: what a registered endpoint receives and how it is signed
//! (utoipa has no `webhooks` field, so it goes in as a top-level extension entry).

use serde_json::{json, Value};

/// The `webhooks` object of the document.
pub fn described() -> Value {
    let header = |name: &str, description: &str, pattern: &str| {
        json!({"name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string", "pattern": pattern}})
    };
    json!({
        "event": {
            "post": {
                "operationId": "receive_event",
                "tags": ["webhooks"],
                "summary": "An event delivered to a registered webhook",
                "description": "Each event the webhook's `event_types` select (all when empty) is POSTed as the same \
    JSON as the feed's items, signed by the Standard Webhooks scheme. Verify before trusting it: \
    `webhook-signature` holds one or more space-separated `v1,<base64 HMAC-SHA256>` of \
    `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed by the base64-decoded part of the secret after \
    `whsec_` (after a rotation, one per valid secret); reject a `webhook-timestamp` more than 5 minutes \
    from now, and drop a `webhook-id` seen before (retries and redeliveries keep it). Answer 2xx once \
    stored; anything else, a timeout or a redirect is retried with exponential backoff and jitter. \
    Deliveries may arrive out of order: order by `seq`.",
                "parameters": [
                    header("webhook-id", "The event's id, `evt_<seq>`; the same on every retry.", "^evt_[0-9]+$"),
                    header("webhook-timestamp", "Unix seconds when this attempt was signed.", "^[0-9]+$"),
                    header("webhook-signature", "`v1,<base64 signature>`, space-separated when several secrets sign.",
                        "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"),
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
                "responses": {
                    "2XX": {"description": "Received; not delivered again"},
                    "default": {"description": "Not received; retried later"}
                }
            }
        }
    })
}
