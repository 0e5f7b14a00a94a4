"""S3: the reports' files (a private, encrypted bucket) and their short-lived download links; the image of the
knowledge search index new API containers start from (a bucket of its own)."""

import io
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import ClientError

from hotline.aws.clients import client
from hotline.domain.reports.record import FileFormat, FileLink, ReportFile

LINK_LIFETIME = timedelta(minutes=15)
"""A download link works this long (and never past the signing credentials' own expiry)."""


class S3ReportFiles:
    def __init__(self, bucket: str, region: str) -> None:
        self._bucket = bucket
        self._region = region

    @cached_property
    def _client(self) -> Any:
        # Signature version 4: required by every region opened since 2014 and by SSE-KMS objects.
        return client("s3", self._region, Config(signature_version="s3v4"))

    def put(self, file: ReportFile, body: bytes) -> None:
        self._client.put_object(
            Bucket=self._bucket,
            Key=file.key,
            Body=body,
            ContentType=file.content_type,
            ServerSideEncryption="AES256",
        )

    def get(self, key: str) -> bytes | None:
        try:
            answer = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        body: bytes = answer["Body"].read()
        return body

    def link(self, file: ReportFile) -> FileLink:
        params = {"Bucket": self._bucket, "Key": file.key}
        if file.format is not FileFormat.HTML:  # the page opens in the browser; the others are saved as files
            params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
        url = self._client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=int(LINK_LIFETIME.total_seconds())
        )
        expires = datetime.now(UTC) + LINK_LIFETIME
        return FileLink(format=file.format, name=file.name, bytes=file.bytes, url=url, expires_at=expires)


INDEX_KEY = "knowledge/search-index.sqlite"
LOAD_ATTEMPTS = 2


class S3IndexImages:
    """The knowledge search index's image (hotline/domain/knowledge/search.py): one object, replaced whole."""

    def __init__(self, bucket: str, region: str) -> None:
        self._bucket = bucket
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("s3", self._region, Config(signature_version="s3v4"))

    def load(self) -> bytes | None:
        for attempt in range(1, LOAD_ATTEMPTS + 1):
            image = io.BytesIO()
            try:
                # Ranged GETs in parallel (a cold container waits for them), each bound to the object's ETag.
                self._client.download_fileobj(self._bucket, INDEX_KEY, image)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code in ("404", "NoSuchKey"):
                    return None
                if code == "PreconditionFailed" and attempt < LOAD_ATTEMPTS:
                    continue  # a newer image was stored while this one was read: read that one
                raise
            return image.getvalue()
        raise AssertionError("unreachable")

    def save(self, image: bytes) -> None:
        self._client.put_object(
            Bucket=self._bucket,
            Key=INDEX_KEY,
            Body=image,
            ContentType="application/vnd.sqlite3",
            ServerSideEncryption="AES256",
        )
