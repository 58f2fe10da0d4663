"""Drives the generated Python client through create -> get -> list -> update of a consignee,
as a contract system's developers would on day one. Run by .ci/clients/run.sh.
Env: BASE_URL (http://127.0.0.1:PORT), TOKEN (admin bearer token)."""

import os
from http import HTTPStatus

from consignee_registry_client import AuthenticatedClient
from consignee_registry_client.api.consignees import (
    create_consignee,
    get_consignee,
    list_consignees,
    update_consignee,
)
from consignee_registry_client.models import (
    Consignee,
    ConsigneeInput,
    ConsigneePatch,
    Contact,
    CountryCode,
    RiskTier,
)

NAME = "生成クライアント株式会社"
NOTES = "updated by the generated client"


def expect(resp, status):
    """Fails with the response body when the status is not the expected one."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.content[:500]!r}"
    return resp.parsed


sent = {}  # method -> Content-Type of the last request, recorded by an httpx hook
client = AuthenticatedClient(
    base_url=os.environ["BASE_URL"],
    token=os.environ["TOKEN"],
    raise_on_unexpected_status=True,
    httpx_args={"event_hooks": {"request": [lambda req: sent.update({req.method: req.headers.get("Content-Type")})]}},
)
with client:
    body = ConsigneeInput(
        legal_name=NAME,
        country=CountryCode.JP,
        risk_tier=RiskTier.HIGH,
        contact=Contact(email="privacy@example.co.jp"),
    )
    created = expect(create_consignee.sync_detailed(client=client, body=body), HTTPStatus.CREATED)
    assert type(created) is Consignee, type(created)
    assert created.legal_name == NAME and created.risk_tier == RiskTier.HIGH and created.version == 1, created
    print(f"ok create: 201 {created.id} version {created.version}")

    resp = get_consignee.sync_detailed(created.id, client=client)
    got = expect(resp, HTTPStatus.OK)
    assert type(got) is Consignee and got.legal_name == NAME, got
    etag = resp.headers.get("ETag")
    assert etag, f"no ETag in {dict(resp.headers)}"
    print(f"ok get: 200 legal_name {got.legal_name} ETag {etag}")

    # The page's items must be the same Consignee class, not a generated PageConsigneeItemsItem.
    page = expect(list_consignees.sync_detailed(client=client, limit=200), HTTPStatus.OK)
    kinds = {type(item).__name__ for item in page.items}
    assert page.items and all(type(item) is Consignee for item in page.items), f"item classes: {kinds}"
    assert created.id in {item.id for item in page.items}, "created consignee not listed"
    print(f"ok list: 200 {len(page.items)} item(s) of class {Consignee.__module__}.Consignee")

    # One body schema under two content types (merge-patch+json, json): the generated client sends one of them.
    patch = ConsigneePatch(notes=NOTES)
    updated = expect(update_consignee.sync_detailed(created.id, client=client, body=patch, if_match=etag), HTTPStatus.OK)
    assert type(updated) is Consignee, type(updated)
    assert updated.version == 2 and updated.notes == NOTES and updated.legal_name == NAME, updated
    print(f"ok update: 200 version {updated.version} notes {updated.notes!r} (sent as {sent.get('PATCH')})")
