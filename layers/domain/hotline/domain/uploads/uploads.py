"""Signing uploads, checking the files a new ticket names, and linking them for staff."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import uuid4

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.tickets.ticket import Attachment
from hotline.domain.uploads.ports import FileStore
from hotline.domain.uploads.rules import (
    LINK_LIFETIME,
    MAX_BYTES,
    MAX_FILES,
    POST_LIFETIME,
    PREFIX,
    SHOWN_INLINE,
    Upload,
    UploadRequest,
    check_file_name,
    file_type,
    is_upload_key,
)


@dataclass
class Uploads:
    files: FileStore
    clock: Clock
    new_id: Callable[[], str] = lambda: uuid4().hex

    def start(self, request: UploadRequest) -> Upload:
        """A fresh private key and the signed form that lets one file of the declared type and size reach it."""
        key = f"{PREFIX}{self.clock.now():%Y/%m/%d}/{self.new_id()}"
        form = self.files.post_form(key, request.content_type.value, request.size, POST_LIFETIME)
        return Upload(key=key, url=form.url, fields=form.fields, expires_at=form.expires_at)

    def claim(self, attachments: Sequence[Attachment], *, links: bool) -> list[Attachment]:
        """What a new ticket keeps of the attachments it names: files uploaded here — each one posted, of an allowed
        type and size (the stored type is recorded), at most MAX_FILES — and, with `links` (partners and Open311,
        whose contract has them), https links as given. Anything else, such as a link on the public form or a key
        the API did not make, is refused naming the attachment."""
        problems: list[FieldProblem] = []
        kept: list[Attachment] = []
        if sum(is_upload_key(a.ref) for a in attachments) > MAX_FILES:
            problems.append(FieldProblem("attachments", f"at most {MAX_FILES} uploaded files"))
        for index, attachment in enumerate(attachments):
            field = f"attachments.{index}"
            if not is_upload_key(attachment.ref):
                if links and attachment.ref.startswith("https://"):
                    kept.append(attachment)
                else:
                    wanted = "a key from POST /v1/uploads" + (" or an https link" if links else "")
                    problems.append(FieldProblem(f"{field}.ref", f"not {wanted}"))
                continue
            if any(a.ref == attachment.ref for a in attachments[:index]):
                problems.append(FieldProblem(f"{field}.ref", "the same file is named twice"))
                continue
            problem = self._name_problem(attachment.name)
            if problem:
                problems.append(FieldProblem(f"{field}.name", problem))
            stored = self.files.stat(attachment.ref)
            if stored is None:
                problems.append(FieldProblem(f"{field}.ref", "no file was uploaded under this key"))
            elif file_type(stored.content_type) is None or not 0 < stored.size <= MAX_BYTES:
                problems.append(
                    FieldProblem(f"{field}.ref", "the uploaded file is not an image or PDF of 10 MB or less")
                )
            else:
                kept.append(attachment.model_copy(update={"content_type": stored.content_type}))
        if problems:
            kinds = "files uploaded with POST /v1/uploads" + (" or https links" if links else "")
            raise InvalidInput(f"attachments must be {kinds}", problems)
        return kept

    def links(self, attachments: Sequence[Attachment]) -> dict[str, str]:
        """Each uploaded file's short-lived link, by its key (links a partner gave are not ours to sign)."""
        shown: dict[str, str] = {}
        for attachment in attachments:
            if is_upload_key(attachment.ref):
                kind = file_type(attachment.content_type)
                content_type = kind.value if kind else "application/octet-stream"
                inline = kind in SHOWN_INLINE
                shown[attachment.ref] = self.files.link(
                    attachment.ref, attachment.name, content_type, inline, LINK_LIFETIME
                )
        return shown

    @staticmethod
    def _name_problem(name: str | None) -> str | None:
        if name is None:
            return None
        try:
            check_file_name(name)
        except ValueError as error:
            return str(error)
        return None
