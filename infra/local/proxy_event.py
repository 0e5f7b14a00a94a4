"""API Gateway REST (v1) Lambda proxy events, shaped as AWS sends them."""

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qs


def _multi(values: dict[str, list[str]]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    if not values:
        return None, None
    return {k: v[-1] for k, v in values.items()}, values


def proxy_event(
    *,
    method: str,
    path: str,
    resource: str,
    path_parameters: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    query: str = "",
    body: bytes = b"",
    stage: str = "live",
    source_ip: str = "127.0.0.1",
    api_key: str | None = None,
    api_key_id: str | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    single_headers = dict(headers or {})
    single_query, multi_query = _multi(parse_qs(query, keep_blank_values=True))
    text_body: str | None
    is_base64 = False
    try:
        text_body = body.decode("utf-8") if body else None
    except UnicodeDecodeError:
        text_body, is_base64 = base64.b64encode(body).decode(), True
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers or None,
        "multiValueHeaders": {k: [v] for k, v in single_headers.items()} or None,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": "HTTP/1.1",
            "accountId": "123456789012",
            "apiId": "local",
            "identity": {
                "sourceIp": source_ip,
                "userAgent": single_headers.get("User-Agent") or single_headers.get("user-agent"),
                "apiKey": api_key,
                "apiKeyId": api_key_id,
            },
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }
