"""A local stand-in for API Gateway (REST): routes, API keys, the Cognito authorizer and gateway responses
are all read from the synthesized template; requests become proxy events for the integrated Lambda."""

import base64
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import boto3
import jwt

from infra.local.deploy import REGION, Deployment
from infra.local.lambdas import invocation_client
from infra.local.proxy_event import proxy_event
from infra.local.site import Site

log = logging.getLogger("hotline.local")
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
GATEWAY_MESSAGES = {
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "INVALID_API_KEY": "Forbidden",
    "UNAUTHORIZED": "Unauthorized",
    "REQUEST_TOO_LARGE": "Request Too Long",
    "DEFAULT_5XX": "Internal server error",
}


@dataclass(frozen=True)
class Method:
    api_key_required: bool
    authorization: str
    function_logical_id: str | None
    mock: tuple[int, dict[str, str]] | None = None
    """A MOCK integration's answer (CORS preflights): its status and headers."""


@dataclass
class Route:
    pattern: str
    methods: dict[str, Method] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        return [s for s in self.pattern.split("/") if s]

    def match(self, path: str) -> dict[str, str] | None:
        wanted, parts = self.segments, [p for p in path.split("/") if p]
        params: dict[str, str] = {}
        for index, segment in enumerate(wanted):
            if segment.endswith("+}"):
                if index >= len(parts):
                    return None
                params[segment[1:-2]] = "/".join(parts[index:])
                return params
            if index >= len(parts):
                return None
            if segment.startswith("{"):
                params[segment[1:-1]] = parts[index]
            elif segment != parts[index]:
                return None
        return params if len(parts) == len(wanted) else None

    @property
    def specificity(self) -> tuple[int, int]:
        literal = sum(1 for s in self.segments if not s.startswith("{"))
        return literal, len(self.segments)


def _headers_of(parameters: dict[str, str], prefix: str) -> dict[str, str]:
    """Header values as the template gives them (`"'value'"`, a literal) by header name."""
    return {k.removeprefix(prefix): v.strip("'") for k, v in parameters.items() if k.startswith(prefix)}


def _mock(integration: dict[str, Any]) -> tuple[int, dict[str, str]]:
    (answer,) = integration["IntegrationResponses"]
    return int(answer["StatusCode"]), _headers_of(answer.get("ResponseParameters", {}), "method.response.header.")


def _function_of(integration: dict[str, Any]) -> str:
    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if "Fn::GetAtt" in node and node["Fn::GetAtt"][1] == "Arn":
                yield node["Fn::GetAtt"][0]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return next(walk(integration.get("Uri")))


def routes_of(template: dict[str, Any]) -> list[Route]:
    resources = template["Resources"]

    def path_of(logical: str) -> str:
        props = resources[logical]["Properties"]
        parent = props["ParentId"]
        prefix = path_of(parent["Ref"]) if "Ref" in parent else ""
        return f"{prefix}/{props['PathPart']}"

    routes: dict[str, Route] = {}
    for resource in resources.values():
        if resource["Type"] != "AWS::ApiGateway::Method":
            continue
        props = resource["Properties"]
        resource_id = props["ResourceId"]
        pattern = path_of(resource_id["Ref"]) if "Ref" in resource_id else "/"
        route = routes.setdefault(pattern, Route(pattern))
        integration = props["Integration"]
        mock = integration["Type"] == "MOCK"
        route.methods[props["HttpMethod"]] = Method(
            api_key_required=bool(props.get("ApiKeyRequired")),
            authorization=props.get("AuthorizationType", "NONE"),
            function_logical_id=None if mock else _function_of(integration),
            mock=_mock(integration) if mock else None,
        )
    return sorted(routes.values(), key=lambda r: r.specificity, reverse=True)


def gateway_responses_of(template: dict[str, Any]) -> dict[str, tuple[int, str, dict[str, str]]]:
    responses = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ApiGateway::GatewayResponse":
            props = resource["Properties"]
            responses[props["ResponseType"]] = (
                int(props["StatusCode"]),
                props["ResponseTemplates"]["application/json"],
                _headers_of(props.get("ResponseParameters", {}), "gatewayresponse.header."),
            )
    return responses


class Refusal(Exception):
    def __init__(self, response_type: str) -> None:
        super().__init__(response_type)
        self.response_type = response_type


@dataclass
class Gateway:
    deployment: Deployment
    moto_url: str
    stage: str = "live"

    def __post_init__(self) -> None:
        self.routes = routes_of(self.deployment.template)
        self.responses = gateway_responses_of(self.deployment.template)
        outputs = self.deployment.outputs
        self.rest_api_id = outputs["RestApiId"]
        self.pool_id = outputs["UserPoolId"]
        self.client_id = outputs["UserPoolClientId"]
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"
        self._jwk_client = jwt.PyJWKClient(f"{self.moto_url}/{self.pool_id}/.well-known/jwks.json")
        self._apigateway = boto3.client("apigateway", region_name=REGION)
        self._lambda = invocation_client(REGION)

    # -- checks API Gateway makes before the Lambda runs ------------------------------------------

    def _api_key(self, headers: dict[str, str]) -> tuple[str, str]:
        """Asked of moto on every request, never cached: a key that was disabled, deleted (revoked, rotated
        away) or detached from the stage's usage plans is refused with 403 from that moment on."""
        value = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
        if not value:
            raise Refusal("INVALID_API_KEY")
        keys = self._apigateway.get_api_keys(includeValues=True)["items"]
        key = next((k for k in keys if k.get("value") == value and k.get("enabled")), None)
        if key is None:
            raise Refusal("INVALID_API_KEY")
        plans = self._apigateway.get_usage_plans(keyId=key["id"])["items"]
        bound = any(
            s.get("apiId") == self.rest_api_id and s.get("stage") == self.stage
            for plan in plans
            for s in plan.get("apiStages", [])
        )
        if not bound:
            raise Refusal("INVALID_API_KEY")
        return value, key["id"]

    def _claims(self, headers: dict[str, str]) -> dict[str, str]:
        token = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = token.removeprefix("Bearer ").strip()
        if not token:
            raise Refusal("UNAUTHORIZED")
        try:
            key = self._jwk_client.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as error:
            log.info("token refused: %s", error)
            raise Refusal("UNAUTHORIZED") from error
        if claims.get("token_use") != "id":
            raise Refusal("UNAUTHORIZED")
        # The REST API authorizer hands every claim to the Lambda as a string.
        return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in claims.items()}

    # -- one request ------------------------------------------------------------------------------

    def refusal(self, response_type: str) -> tuple[int, dict[str, str], bytes]:
        status, template, headers = self.responses.get(response_type) or self.responses["DEFAULT_4XX"]
        message = GATEWAY_MESSAGES.get(response_type, response_type.replace("_", " ").capitalize())
        body = template.replace("$context.error.messageString", json.dumps(message))
        return status, {"Content-Type": "application/json", **headers}, body.encode()

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(target)
        try:
            if len(body) > MAX_BODY_BYTES:
                raise Refusal("REQUEST_TOO_LARGE")
            route, params = self._route(url.path)
            spec = route.methods.get(method) or route.methods.get("ANY")
            if spec is None:
                raise Refusal("MISSING_AUTHENTICATION_TOKEN")
            if spec.mock:
                status, mocked = spec.mock
                return status, mocked, b""
            api_key, api_key_id = self._api_key(headers) if spec.api_key_required else (None, None)
            claims = self._claims(headers) if spec.authorization == "COGNITO_USER_POOLS" else None
        except Refusal as refusal:
            return self.refusal(refusal.response_type)
        event = proxy_event(
            method=method,
            path=url.path,
            resource=route.pattern,
            path_parameters=params,
            headers=headers,
            query=url.query,
            body=body,
            stage=self.stage,
            api_key=api_key,
            api_key_id=api_key_id,
            claims=claims,
        )
        assert spec.function_logical_id is not None  # any integration but MOCK is the Lambda's
        function = self.deployment.physical_ids[spec.function_logical_id]
        answer = self._lambda.invoke(FunctionName=function, Payload=json.dumps(event).encode())
        if answer.get("FunctionError"):
            return self.refusal("DEFAULT_5XX")
        result = json.loads(answer["Payload"].read())
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        out_headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            out_headers[name] = ", ".join(map(str, values))
        return int(result.get("statusCode", 200)), out_headers, payload

    def _route(self, path: str) -> tuple[Route, dict[str, str]]:
        for route in self.routes:
            params = route.match(path)
            if params is not None:
                return route, params
        raise Refusal("MISSING_AUTHENTICATION_TOKEN")


def serve(gateway: Gateway, site: Site, host: str, port: int) -> ThreadingHTTPServer:
    """One port, as one origin: the API (its paths) and the web pages (the rest)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            given, path = dict(self.headers.items()), urlsplit(self.path).path
            answer = site.answer(self.command, path, given, body)
            status, headers, payload = answer or gateway.handle(self.command, self.path, given, body)
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in {"content-length", "connection"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            # Paths only: query strings may carry access codes.
            log.info(
                "%s %s -> %s (%.0f ms)",
                self.command,
                path,
                status,
                (time.perf_counter() - started) * 1000,
            )

        def __getattr__(self, name: str) -> Any:
            # Every method (TRACE, PROPFIND …) goes through the gateway and gets an answer in the API's error
            # shape; http.server would answer a method without a do_ handler with a 501 HTML page.
            if name.startswith("do_"):
                return self._any
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:  # silenced: _any logs each request
            return

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the default backlog of 5 resets bursts of concurrent clients

    return Server((host, port), Handler)
