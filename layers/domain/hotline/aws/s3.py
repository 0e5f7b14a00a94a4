"""S3: the reports' files (a private, encrypted bucket) and their short-lived download links; the image of the
knowledge search index new API containers start from (a bucket of its own); the uploaded photos and files (a private
bucket browsers post to with signed forms)."""

import io
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import ClientError

from hotline.aws.clients import client
from hotline.domain.reports.record import FileFormat, FileLink, ReportFile
from hotline.domain.uploads.ports import PostForm, StoredFile

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


class S3Uploads:
    """The uploads bucket: browsers post files to it with forms signed here (S3 checks each against its policy);
    staff read them through presigned links."""

    def __init__(self, bucket: str, region: str) -> None:
        self._bucket = bucket
        self._region = region

    @cached_property
    def _client(self) -> Any:
        # Virtual-hosted URLs on the bucket's own host, which the site's Content Security Policy names:
        # https://<bucket>.s3.amazonaws.com in us-east-1, https://<bucket>.s3.<region>.amazonaws.com elsewhere (where
        # the global host would redirect a browser's post).
        return client("s3", self._region, Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))

    def post_form(self, key: str, content_type: str, max_bytes: int, lifetime: timedelta) -> PostForm:
        expires = datetime.now(UTC) + lifetime  # before signing: the policy's own expiry is never earlier
        form = self._client.generate_presigned_post(
            self._bucket,
            key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=int(lifetime.total_seconds()),
        )
        return PostForm(url=form["url"], fields=form["fields"], expires_at=expires)

    def stat(self, key: str) -> StoredFile | None:
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredFile(content_type=str(head.get("ContentType") or ""), size=int(head["ContentLength"]))

    def link(self, key: str, name: str | None, content_type: str, inline: bool, lifetime: timedelta) -> str:
        disposition = "inline" if inline else "attachment"
        if name:
            disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            ExpiresIn=int(lifetime.total_seconds()),
        )
        return url
