"""Receiving the registry's webhooks in Python (the README's example, run by drive.py in CI)."""

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def receive(secret: str, body: bytes, headers: dict) -> dict:
    """The event, once its signature and timestamp (5 minutes' tolerance) are verified."""
    try:
        return Webhook(secret).verify(body, headers)
    except WebhookVerificationError as error:
        raise PermissionError("not from the registry") from error
