"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

Two things a generic client does not know about GridSync:

- A body marked `Content-Encoding: gzip` must be gzip (that is what the header means). Schemathesis
  writes JSON as it is, so `before_call` compresses the body of a request it marks gzip (in any
  case), as an agent does; bodies marked `identity` or not marked go as plain JSON.
- `POST /v1/sync` refuses some schema-valid requests for reasons JSON Schema cannot express
  (protocol/openapi.yaml, "What the schemas cannot say"), so the script lets the
  positive-acceptance check take 400 and 422 there besides 2xx, 403, 409, 429 and 503.
  `sync_refusals_are_state_refusals` keeps that narrow: a schema-valid request may be refused only with the codes those reasons
  give, never with `malformed_body`, `unknown_field` or `unknown_kind` (which would mean the schema
  allows what the decoder refuses), and the documented example must be accepted outright.
"""

import gzip
import json
import os

import schemathesis
from schemathesis.core import NotSet
from schemathesis.generation.meta import CONTENT_TYPE_PROBES, coverage_scenario

SYNC = ("POST", "/v1/sync")


def _documented_example():
    """The request example of `POST /v1/sync` in protocol/openapi.yaml, which must be accepted."""
    import yaml

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol", "openapi.yaml")
    with open(path, encoding="utf-8") as file:
        spec = yaml.safe_load(file)
    return spec["paths"]["/v1/sync"]["post"]["requestBody"]["content"]["application/json"]["example"]


DOCUMENTED_EXAMPLE = _documented_example()

# What a schema-valid SyncRequest can still be refused with, by status.
STATE_REFUSALS = {
    400: {"missing_dependency"},
    403: {"out_of_scope", "not_permitted"},
    409: {"resync_required", "replica_copied", "store_rolled_back"},
    422: {"invalid_value", "clock_drift"},
    429: {"too_many_requests"},
    503: {"server_busy"},
}


def _content_coding(headers):
    for name, value in (headers or {}).items():
        if name.lower() == "content-encoding" and isinstance(value, str):
            return value.strip().lower()
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    """Compresses the JSON body of a request marked `Content-Encoding: gzip`."""
    if _content_coding(case.headers) != "gzip" or isinstance(case.body, NotSet):
        return
    if "data" in kwargs or "json" in kwargs:
        return
    if isinstance(case.body, (bytes, bytearray)):
        raw = bytes(case.body)
    else:
        raw = json.dumps(case.body).encode("utf-8")  # as Schemathesis writes an unmarked body
    kwargs["data"] = gzip.compress(raw)


@schemathesis.check
def sync_refusals_are_state_refusals(ctx, response, case):
    """Schema-valid `POST /v1/sync` requests are accepted, or refused only for the server's state."""
    if (case.method.upper(), case.path) != SYNC or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if coverage_scenario(case) in CONTENT_TYPE_PROBES:
        return None  # A body sent under another media type on purpose: only a 5xx is a finding there.
    status = response.status_code
    if status < 300:
        return None
    if case.body == DOCUMENTED_EXAMPLE:
        raise AssertionError(
            f"The documented example of POST /v1/sync was refused with {status}: {response.text[:300]}"
        )
    allowed = STATE_REFUSALS.get(status)
    if allowed is None:
        return None  # Other checks judge statuses the spec does not list for a valid request.
    try:
        code = response.json().get("code")
    except Exception:
        code = None
    if code not in allowed:
        raise AssertionError(
            f"A schema-valid SyncRequest was refused with {status} {code!r}; a valid request may be refused "
            f"with {status} only as {sorted(allowed)} (protocol/openapi.yaml, 'What the schemas cannot say'). "
            f"Body of the answer: {response.text[:300]}"
        )
    return None
