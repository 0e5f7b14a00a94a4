"""Browser uploads to moto's S3 as S3 answers them, which moto's server does not by itself:

- a form post (POST Object) is checked against its signed policy: the signature, the expiry, every condition and the
  content-length-range, and no field the policy does not name (moto stores whatever is posted);
- cross-origin requests are answered by the bucket's CORS rules alone: moto's server lets every origin read every
  answer of every service (flask-cors), and answers a form post with no CORS headers of the bucket's own;
- a presigned GET's `response-content-type` and `response-content-disposition` (staff's links to the files) are
  the answer's headers, as S3 makes them; moto ignores them.

No browser talks to another moto service (the console signs in through the site, infra/local/site.py), so turning
moto's allow-all off only makes S3 honest.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server import werkzeug_app
from moto.s3.responses import S3Response

Answer = tuple[int, dict[str, str], str]
UNSIGNED = frozenset({"policy", "x-amz-signature", "file"})
"""Form fields a policy need not name (as are those starting x-ignore-)."""
OVERRIDES = {
    f"response-{name}": name
    for name in (
        "content-type",
        "content-disposition",
        "content-language",
        "content-encoding",
        "cache-control",
        "expires",
    )
}
"""A GET's query parameters that set the answer's headers."""


def install() -> None:
    """Before moto's server makes its S3 application, i.e. before the first S3 request."""
    werkzeug_app.DISABLE_GLOBAL_CORS = True  # type: ignore[attr-defined]
    post = S3Response._bucket_response_post

    def checked_post(self: S3Response, request: Any, bucket_name: str) -> Any:
        fields = {name.lower(): value for name, value in self.form_data.items()}  # the form's fields, not its file
        refusal = refused(fields, self.body, bucket_name) if "policy" in fields else None
        status, headers, body = refusal or post(self, request, bucket_name)
        return status, {**headers, **self._get_cors_headers_other()}, body

    S3Response._bucket_response_post = checked_post  # type: ignore[method-assign]
    get_object = S3Response.get_object

    def overridden_get(self: S3Response) -> Any:
        status, headers, body = get_object(self)
        asked = {
            OVERRIDES[name]: values[0] for name, values in parse_qs(self.parsed_url.query).items() if name in OVERRIDES
        }
        if status == 200 and asked:
            headers = {k: v for k, v in headers.items() if k.lower() not in asked} | asked
        return status, headers, body

    S3Response.get_object = overridden_get  # type: ignore[method-assign]


def refused(fields: dict[str, str], file: bytes, bucket: str) -> Answer | None:
    """S3's answer to a form post its policy does not allow, or None. `fields` by lower-case name."""
    try:
        if not hmac.compare_digest(_signature(fields["policy"], fields["x-amz-credential"]), fields["x-amz-signature"]):
            return _error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match")
        policy = json.loads(base64.b64decode(fields["policy"]))
        expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        conditions = policy["conditions"]
    except (KeyError, ValueError, binascii.Error) as malformed:
        return _error(400, "InvalidPolicyDocument", f"Invalid Policy: {malformed}")
    if expiration <= datetime.now(UTC):
        return _error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    given = {**fields, "bucket": bucket}
    named: set[str] = set()
    for condition in conditions:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()
            condition = ["eq", f"${name}", value]
        operator = str(condition[0]).lower()
        if operator == "content-length-range":
            if len(file) > int(condition[2]):
                return _error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            if len(file) < int(condition[1]):
                return _error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            continue
        name = str(condition[1]).removeprefix("$").lower()
        named.add(name)
        value = given.get(name, "")
        if (operator == "eq" and value != condition[2]) or (
            operator == "starts-with" and not value.startswith(condition[2])
        ):
            return _error(
                403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}"
            )
    extra = sorted(n for n in set(fields) - named - UNSIGNED if not n.startswith("x-ignore-"))
    if extra:
        return _error(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")
    return None


def _signature(policy: str, credential: str) -> str:
    """Signature Version 4 of the policy, with the secret key the local cloud's functions sign with."""
    _, day, region, service, scope = credential.split("/")
    key = f"AWS4{os.environ['AWS_SECRET_ACCESS_KEY']}".encode()
    for part in (day, region, service, scope):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


def _error(status: int, code: str, message: str) -> Answer:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return status, {"Content-Type": "application/xml"}, body
