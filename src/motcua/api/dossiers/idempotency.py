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

Concurrency: the key row is inserted *last*, with the answer, in the transaction that created the
dossier. A twin request running at the same moment waits (on the unique index or a row lock in
PostgreSQL, on the write lock in SQLite) until the first commits, then its key insert fails with
``IntegrityError``: its whole transaction — dossier and code-sequence step included — rolls back and it
replays the committed answer; if the first rolled back, the twin's insert succeeds. Exactly one dossier
and no gap in the codes either way. A retry after success redoes the work once and then replays.
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


def _store(user, key: str, request_hash: str, request: Request, now, response: Response) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        user=user,
        key=key,
        request_hash=request_hash,
        method=request.method,
        path=request.path[:500],
        response_status=response.status_code,
        response_body=json.loads(JSONRenderer().render(response.data) or b"null"),
        created_at=now,
    )


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
    _purge_now_and_then(now)
    for _attempt in range(2):
        storing = False
        try:
            with transaction.atomic():
                response = produce()
                if not 200 <= response.status_code < 300:
                    transaction.set_rollback(True)
                else:
                    # The key is stored last, with the answer, in the same transaction as the work: one
                    # statement on the hot path. A key already taken fails here on the unique index —
                    # at once if committed, after the twin's commit if it is running — and the whole
                    # transaction, its dossier and code included, rolls back.
                    storing = True
                    _store(user, key, request_hash, request, now, response)
        except IntegrityError:
            if not storing:
                raise
        else:
            if storing:
                return response
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            return response  # refused, and the key was never used: the client may fix and resend
        if existing.created_at >= now - TTL:
            return _replay(existing, request_hash)
        existing.delete()  # expired and not yet purged: the key is free again; do the work once more
    return response
