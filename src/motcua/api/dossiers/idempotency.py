"""``Idempotency-Key`` for POSTs that create things: a retried request never creates a second dossier.

Rules (also in the OpenAPI description of the header):

* The key is per user; any string of 1–255 visible characters (a UUID is a good choice).
* The first *successful* (2xx) answer is stored with a fingerprint of the request (method, path, body)
  and replayed for 24 hours — same status, same body, plus ``Idempotent-Replayed: true``.
* The same key with a different request is refused with 422: it is a client bug, and guessing which of
  the two the client meant would be worse.
* Expired keys are ignored at once and deleted in batches (``purge_expired``).
* Errors are not remembered: a request refused with 400/403/409 changed nothing, so the client may fix it
  and send it again with the same key.

Concurrency: the key row is inserted *first*, inside the transaction that then creates the dossier. A
twin request running at the same moment blocks on the unique index (PostgreSQL) or on the write lock
(SQLite) until the first commits, then gets ``IntegrityError`` and replays the committed answer; if the
first rolled back, the twin's insert succeeds and it does the work itself. Exactly one dossier either way.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.api.dossiers import problem
from motcua.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def fingerprint(request: Request) -> str:
    """Method, path and the body in canonical JSON: key order and whitespace do not matter."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    raw = f"{request.method}\n{request.path}\n{body}".encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(record: IdempotencyKey, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        return problem(
            422,
            f"Khóa {HEADER} này đã được dùng cho một yêu cầu khác (khác nội dung hoặc địa chỉ). "
            "Mỗi yêu cầu mới phải có khóa mới; gửi lại đúng yêu cầu cũ thì dùng lại khóa cũ.",
            code="idempotency_key_reused",
        )
    return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isprintable()


def _lookup(user, key: str, cutoff) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=cutoff).first()


def purge_expired(now=None) -> int:
    """Delete every expired key. Requests call it every ``PURGE_EVERY`` keys per process; a periodic task
    may call it too. Expired rows are ignored by the look-up anyway, so a late purge is harmless."""
    cutoff = (now or timezone.now()) - TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


PURGE_EVERY = 500
_requests_since_purge = itertools.count(1)


def _purge_now_and_then(now) -> None:
    """Purging on every request would cost a statement per intake on the hot path; once in a while is enough."""
    if next(_requests_since_purge) % PURGE_EVERY == 0:
        purge_expired(now)


def idempotent(request: Request, produce: Callable[[], Response]) -> Response:
    """Run ``produce`` at most once per (user, key); without the header, just run it.

    ``produce`` must do all its writes in the current database and return a DRF ``Response``; an
    exception from it rolls back the key together with its work.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return produce()
    key = key.strip()
    if not _valid_key(key):
        return problem(
            400,
            f"{HEADER} phải gồm 1–{MAX_KEY_LENGTH} ký tự in được.",
            code="invalid_idempotency_key",
            errors={HEADER: ["Khóa không hợp lệ."]},
        )
    user = request.user
    request_hash = fingerprint(request)
    now = timezone.now()
    cutoff = now - TTL
    # Read outside the transaction: on SQLite a read snapshot taken before the write would make the
    # later insert fail with "database is locked" instead of waiting for the twin to finish.
    existing = _lookup(user, key, cutoff)
    if existing is not None:
        return _replay(existing, request_hash)
    _purge_now_and_then(now)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    request_hash=request_hash,
                    method=request.method,
                    path=request.path[:500],
                    response_status=0,
                    created_at=now,
                )
        except IntegrityError:
            existing = IdempotencyKey.objects.get(user=user, key=key)
            if existing.created_at >= cutoff:
                # A twin committed first (we waited on its lock): answer what it answered.
                return _replay(existing, request_hash)
            existing.delete()  # expired and not yet purged: the key is free again
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                request_hash=request_hash,
                method=request.method,
                path=request.path[:500],
                response_status=0,
                created_at=now,
            )
        response = produce()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return response
        record.response_status = response.status_code
        record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
        record.save(update_fields=["response_status", "response_body"])
    return response
