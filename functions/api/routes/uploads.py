"""Photos and files: the signed form a browser posts one file with, straight to the private uploads bucket."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from hotline.domain.uploads.rules import MAX_BYTES, MAX_FILES, Upload, UploadRequest
from hotline.services import api_services

router = APIGatewayRouter()


@router.post(
    "/v1/uploads",
    summary="Sign a form to upload a photo or PDF",
    description=f"Images (JPEG, PNG, WebP, GIF, HEIC) and PDF of at most {MAX_BYTES} bytes (10 MB). Post the form "
    "to `url` as multipart/form-data: every entry of `fields`, then the file as `file`; storage refuses another type, "
    "a bigger file than `size`, or a post after `expires_at`. Then name `key` as the `ref` of one of the ticket's "
    f"`attachments` (at most {MAX_FILES}).",
    tags=["public"],
    responses={
        HTTPStatus.CREATED.value: {
            "description": "The form to post the file with",
            "content": {"application/json": {"model": Upload}},
        }
    },
)
def start(upload: Annotated[UploadRequest, Body()]) -> Response[Upload]:
    return Response(
        status_code=HTTPStatus.CREATED.value,
        content_type=content_types.APPLICATION_JSON,
        body=api_services().uploads.start(upload),
        headers={"Cache-Control": "no-store"},  # a signed form is for this browser, now
    )
