"""GET /v1/docs: Swagger UI over the API's OpenAPI document (`?format=json`: the document), as Powertools'
`enable_swagger` serves it. Built here, on request, so that only this route loads the OpenAPI models (enable_swagger
imports them with the function, a sixth of its import time)."""

from pathlib import Path
from typing import Any

import aws_lambda_powertools.event_handler as event_handler
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

SWAGGER_UI = Path(event_handler.__file__).parent / "openapi" / "swagger_ui"
TITLE, VERSION = "Hotline API", "1.0.0"


def swagger(app: APIGatewayRestResolver, *, as_json: bool) -> Response[Any]:
    from aws_lambda_powertools.event_handler.openapi.compat import model_json
    from aws_lambda_powertools.event_handler.openapi.models import Server
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    # As enable_swagger does: the server is the stage the request came through (the resolver's own rule).
    document = app.get_openapi_schema(servers=[Server(url=app._get_base_path() or "/")])
    # Escaped so that the document cannot close the page's <script> element.
    spec = model_json(document, by_alias=True, exclude_none=True, indent=2).replace("</", "<\\/")
    if as_json:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=spec)
    script = (SWAGGER_UI / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    style = (SWAGGER_UI / "swagger-ui.min.css").read_text(encoding="utf-8")
    page = generate_swagger_html(spec, script, style, "", None, False)
    return Response(status_code=200, content_type="text/html", body=page)
