"""Schemathesis hooks: each request that carries a valid Idempotency-Key gets a fresh one just
before it is sent, so examples with the same body are not replayed and examples with another body
are not refused as a reused key (the key's own rules are tested in tests/api/idempotency.rs).
Negative cases are left exactly as generated (editing them would flip them to positive and
re-send a header the check removed on purpose)."""

import re
import uuid

import schemathesis

VALID = re.compile(r"^[!-~]([ -~]{0,253}[!-~])?$")


def _fresh(headers):
    if not headers:
        return
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and VALID.match(value):
            headers[name] = f"fuzz-{uuid.uuid4()}"


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        return
    _fresh(case.headers)
