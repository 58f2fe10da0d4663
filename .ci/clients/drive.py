"""Drives the generated Python client through create -> get -> list -> update of a consignee,
then records its memorandum: create with every required clause, upload the signed PDF, sign,
download it back; passes a selection review over the whole checklist and approves it, entrusts contact details and asks who holds them -- as a contract
system's developers would on day one. A webhook to a receiver here (which fails its first request)
gets the events, each verified with the Standard Webhooks libraries in Python and in Node.
Run by .ci/clients/run.sh.
Env: BASE_URL (http://127.0.0.1:PORT), TOKEN (admin bearer token), NODE_VERIFY (verify-webhook.mjs)."""

import datetime
import hashlib
import http.server
import io
import json
import os
import subprocess
import threading
import time
from http import HTTPStatus

import verify_webhook

from consignee_registry_client import AuthenticatedClient
from consignee_registry_client.api.compliance import get_consignee_compliance
from consignee_registry_client.api.consignees import (
    change_consignee_status,
    create_consignee,
    get_consignee,
    import_consignees,
    list_consignees,
    update_consignee,
)
from consignee_registry_client.api.reports import get_summary_report
from consignee_registry_client.api.clause_templates import list_clause_templates
from consignee_registry_client.api.data_categories import list_category_holders
from consignee_registry_client.api.entrustments import create_entrustment
from consignee_registry_client.api.events import list_events
from consignee_registry_client.api.webhooks import create_webhook, list_webhook_deliveries
from consignee_registry_client.api.incidents import create_incident, get_incident_ppc_report, update_incident
from consignee_registry_client.api.reviews import complete_review, create_review, list_review_checklist_items
from consignee_registry_client.api.memoranda import (
    create_memorandum,
    download_memorandum_document,
    sign_memorandum,
    upload_memorandum_document,
)
from consignee_registry_client.models import (
    DeliveryStatus,
    Event,
    EventType,
    WebhookInput,
    WebhookWithSecret,
    AnswerValue,
    ChecklistAnswer,
    ClauseEntry,
    Compliance,
    ComplianceStatus,
    ImportResult,
    Incident,
    IncidentInput,
    IncidentKind,
    IncidentPatch,
    PpcItem,
    PpcReport,
    ReportableReason,
    ReportState,
    Summary,
    Consignee,
    ConsigneeInput,
    ConsigneePatch,
    ConsigneeStatus,
    Contact,
    CountryCode,
    Document,
    Entrustment,
    EntrustmentInput,
    Holder,
    Memorandum,
    MemorandumInput,
    MemorandumStatus,
    Party,
    Review,
    ReviewCompletion,
    ReviewInput,
    ReviewKind,
    ReviewMethod,
    ReviewOutcome,
    ReviewStatus,
    RiskTier,
    Signatory,
    StatusChange,
)
from consignee_registry_client.types import File

NAME = "生成クライアント株式会社"
NOTES = "updated by the generated client"


def expect(resp, status):
    """Fails with the response body when the status is not the expected one."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.content[:500]!r}"
    return resp.parsed


class Receiver(http.server.ThreadingHTTPServer):
    """A contract system's webhook endpoint: refuses the first request (503), then verifies each
    delivery with the Python and the Node Standard Webhooks libraries and answers 204."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.secret, self.first, self.types, self.errors = None, True, [], []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/registry"

    def wait_for(self, wanted):
        """Waits up to 20 s until every type in `wanted` was delivered and verified."""
        for _ in range(200):
            assert not self.errors, self.errors
            if wanted <= set(self.types):
                return
            time.sleep(0.1)
        raise AssertionError(f"delivered {self.types}, wanted {wanted}")


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.server.first:
            self.server.first = False
            return self.answer(503)
        try:
            event = verify_webhook.receive(self.server.secret, body, headers)
            node = json.dumps({"secret": self.server.secret, "body": body.decode(), "headers": headers})
            checked = subprocess.run(["node", os.environ["NODE_VERIFY"]], input=node, capture_output=True, text=True)
            assert checked.returncode == 0 and checked.stdout.strip() == event["type"], checked.stderr
            assert headers["webhook-id"] == f"evt_{event['seq']}", headers
            self.server.types.append(event["type"])
            self.answer(204)
        except Exception as error:  # noqa: BLE001 -- recorded and failed in wait_for
            self.server.errors.append(repr(error))
            self.answer(401)

    def answer(self, status):
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


sent = {}  # method -> Content-Type of the last request, recorded by an httpx hook
client = AuthenticatedClient(
    base_url=os.environ["BASE_URL"],
    token=os.environ["TOKEN"],
    raise_on_unexpected_status=True,
    httpx_args={"event_hooks": {"request": [lambda req: sent.update({req.method: req.headers.get("Content-Type")})]}},
)
with client:
    # The contract system subscribes first: a webhook for the events it acts on.
    receiver = Receiver()
    subscribe = WebhookInput(
        url=receiver.url,
        event_types=[EventType.CONSIGNEE_CREATED, EventType.MEMORANDUM_SIGNED, EventType.INCIDENT_RECORDED],
    )
    hook = expect(create_webhook.sync_detailed(client=client, body=subscribe), HTTPStatus.CREATED)
    assert type(hook) is WebhookWithSecret and hook.secret.startswith("whsec_"), hook
    receiver.secret = hook.secret
    print(f"ok webhook: 201 {hook.webhook.id} for {[t.value for t in hook.webhook.event_types]}")

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

    # A memorandum with every clause currently required, its signed PDF, and the signature.
    required = expect(list_clause_templates.sync_detailed(client=client, retired=False, limit=200), HTTPStatus.OK)
    clauses = [
        ClauseEntry(code=t.code, included=True, notify_within_hours=24 if t.code == "incident_notification" else None)
        for t in required.items
    ]
    terms = MemorandumInput(
        title="個人情報の取扱いに関する覚書",
        external_ref="CT-CLIENT-1",
        signatories=[Signatory(name="鈴木 一郎", party=Party.COMPANY), Signatory(name="佐藤 花子", party=Party.CONSIGNEE)],
        clauses=clauses,
        signed_on=datetime.date(2026, 4, 1),
        effective_from=datetime.date(2026, 4, 1),
    )
    memo = expect(create_memorandum.sync_detailed(created.id, client=client, body=terms), HTTPStatus.CREATED)
    assert type(memo) is Memorandum and memo.status == MemorandumStatus.DRAFT, memo
    print(f"ok create memorandum: 201 {memo.id} with {len(clauses)} clauses")

    pdf = b"%PDF-1.7\n%" + bytes(range(256)) * 64 + b"\n%%EOF\n"
    upload = File(payload=io.BytesIO(pdf), file_name="memorandum.pdf", mime_type="application/pdf")
    doc = expect(upload_memorandum_document.sync_detailed(memo.id, client=client, body=upload), HTTPStatus.OK)
    assert type(doc) is Document and doc.sha256 == hashlib.sha256(pdf).hexdigest(), doc
    assert sent.get("PUT") == "application/pdf", f"sent as {sent.get('PUT')}"
    print(f"ok upload: 200 {doc.size} bytes sha256 {doc.sha256[:12]}… (sent as {sent.get('PUT')})")

    signed = expect(sign_memorandum.sync_detailed(memo.id, client=client), HTTPStatus.OK)
    assert signed.status == MemorandumStatus.SIGNED and signed.in_force, signed
    print(f"ok sign: 200 status {signed.status.value} in_force {signed.in_force}")

    resp = download_memorandum_document.sync_detailed(memo.id, client=client)
    got = expect(resp, HTTPStatus.OK)
    assert got.payload.read() == pdf and resp.headers["Content-Type"] == "application/pdf", resp.headers
    holder = expect(get_consignee.sync_detailed(created.id, client=client), HTTPStatus.OK)
    assert [m.id for m in holder.memoranda_summary.in_force] == [memo.id], holder.memoranda_summary
    print(f"ok download: 200 same {len(pdf)} bytes; consignee shows it in force")

    # A selection review answering every active checklist item, completed satisfactory: approval needs it.
    items = expect(list_review_checklist_items.sync_detailed(client=client, retired=False, limit=200), HTTPStatus.OK)
    plan = ReviewInput(kind=ReviewKind.SELECTION, method=ReviewMethod.QUESTIONNAIRE)
    review = expect(create_review.sync_detailed(created.id, client=client, body=plan), HTTPStatus.CREATED)
    assert type(review) is Review and review.status == ReviewStatus.OPEN, review
    answers = [ChecklistAnswer(item=i.code, answer=AnswerValue.YES) for i in items.items]
    verdict = ReviewCompletion(outcome=ReviewOutcome.SATISFACTORY, answers=answers)
    done = expect(complete_review.sync_detailed(review.id, client=client, body=verdict), HTTPStatus.OK)
    assert done.status == ReviewStatus.COMPLETED and done.outcome == ReviewOutcome.SATISFACTORY, done
    print(f"ok review: 201 then 200 completed {done.outcome.value} with {len(answers)} answers")

    # Approve the consignee, entrust contact details to it, and ask who holds contact details.
    change = StatusChange(status=ConsigneeStatus.APPROVED, reason="selection assessment passed")
    approved = expect(change_consignee_status.sync_detailed(created.id, client=client, body=change), HTTPStatus.OK)
    assert approved.status == ConsigneeStatus.APPROVED and not approved.warnings, approved
    assert approved.last_reviewed_on == done.performed_on and approved.next_review_due > done.performed_on, approved
    entrust = EntrustmentInput(
        memorandum_id=memo.id,
        categories=["contact_details"],
        purpose="講座教材の発送",
        started_on=datetime.date(2026, 4, 1),
    )
    entrustment = expect(create_entrustment.sync_detailed(created.id, client=client, body=entrust), HTTPStatus.CREATED)
    assert type(entrustment) is Entrustment and entrustment.active, entrustment
    holders = expect(list_category_holders.sync_detailed("contact_details", client=client), HTTPStatus.OK)
    assert [h.entrustment.id for h in holders.items] == [entrustment.id], holders
    assert type(holders.items[0]) is Holder and holders.items[0].consignee.legal_name == NAME, holders.items[0]
    print(f"ok entrust: 201 {entrustment.id}; holders of contact_details: {holders.items[0].consignee.legal_name}")

    # Compliance of the consignee just entrusted, the dashboard summary, and a CSV import in CP932.
    judged = expect(get_consignee_compliance.sync_detailed(created.id, client=client), HTTPStatus.OK)
    assert type(judged) is Compliance and judged.status != ComplianceStatus.NOT_APPLICABLE, judged
    summary = expect(get_summary_report.sync_detailed(client=client), HTTPStatus.OK)
    assert type(summary) is Summary and summary.consignees_by_status.approved == 1, summary
    sheet = "legal_name,country,risk_tier\r\n取込一株式会社,JP,low\r\n取込二株式会社,SG,medium\r\n".encode("cp932")
    csv_file = File(payload=io.BytesIO(sheet), file_name="consignees.csv", mime_type="text/csv")
    imported = expect(import_consignees.sync_detailed(client=client, body=csv_file), HTTPStatus.OK)
    assert type(imported) is ImportResult and (imported.rows, imported.created) == (2, 2), imported
    print(f"ok compliance: {judged.status.value}; summary approved {summary.consignees_by_status.approved}; "
          f"import: {imported.created} created from CP932")

    # A misdelivery of 1,200 people's contact details: reportable, with deadlines; then the preliminary report.
    now = datetime.datetime.now(datetime.timezone.utc)
    leak = IncidentInput(
        kind=IncidentKind.MISDELIVERY,
        description="請求書の誤送付",
        detected_at=now - datetime.timedelta(hours=6),
        reported_by_consignee_at=now - datetime.timedelta(hours=2),
        entrustments=[entrustment.id],
        categories=["contact_details"],
        affected_subjects=1200,
    )
    incident = expect(create_incident.sync_detailed(created.id, client=client, body=leak), HTTPStatus.CREATED)
    assert type(incident) is Incident and incident.reportable, incident
    assert incident.reportable_reasons == [ReportableReason.MORE_THAN_1000_SUBJECTS], incident.reportable_reasons
    assert incident.preliminary_report_state == ReportState.DUE and incident.follow_up_review, incident
    assert incident.impact.notification_clauses[0].met is True, incident.impact
    patch = IncidentPatch(preliminary_reported_at=now - datetime.timedelta(minutes=5))
    reported = expect(update_incident.sync_detailed(incident.id, client=client, body=patch), HTTPStatus.OK)
    assert reported.preliminary_report_state == ReportState.MET, reported
    report = expect(get_incident_ppc_report.sync_detailed(incident.id, client=client), HTTPStatus.OK)
    assert type(report) is PpcReport and PpcItem.CAUSE in report.missing_for_final, report
    print(f"ok incident: 201 reportable, final report due {incident.final_report_due}; "
          f"preliminary {reported.preliminary_report_state.value}; PPC report lacks {[i.value for i in report.missing_for_final]}")

    # The webhook deliveries arrived, verified by both libraries; the feed holds the same events.
    receiver.wait_for({"consignee.created", "memorandum.signed", "incident.recorded"})
    feed = expect(list_events.sync_detailed(client=client, types=[EventType.MEMORANDUM_SIGNED]), HTTPStatus.OK)
    assert [type(e) for e in feed.items] == [Event] and feed.items[0].resource_id == str(memo.id), feed
    assert feed.items[0].data.memorandum.external_ref == "CT-CLIENT-1", feed.items[0].data
    for _ in range(200):  # the delivery refused first is retried with backoff
        history = expect(list_webhook_deliveries.sync_detailed(hook.webhook.id, client=client), HTTPStatus.OK)
        if all(d.status == DeliveryStatus.SUCCEEDED for d in history.items):
            break
        time.sleep(0.1)
    assert len(history.items) == len(receiver.types) == 5, (history, receiver.types)
    retried = [d for d in history.items if len(d.attempts) > 1]
    assert len(retried) == 1 and retried[0].attempts[0].status_code == 503, history
    print(f"ok events: {len(receiver.types)} webhook deliveries verified in Python and Node "
          f"({sorted(set(receiver.types))}); one retried after a 503; the feed shows memorandum.signed")
