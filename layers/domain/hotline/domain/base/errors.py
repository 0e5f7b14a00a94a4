"""Domain errors. The API maps each class to one HTTP status in one place (functions/api/errors.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str


class HotlineError(Exception):
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(HotlineError):
    """Well-formed request whose values break a rule (HTTP 422)."""

    code = "invalid_input"

    def __init__(self, message: str, fields: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


class InvalidPageToken(HotlineError):
    """A `next` token that this service did not issue for this listing (HTTP 400)."""

    code = "invalid_page_token"


class NotFound(HotlineError):
    """Unknown, or not the caller's: deliberately indistinguishable (HTTP 404)."""

    code = "not_found"


class Gone(HotlineError):
    """Was valid, and has ended for good (HTTP 410): e.g. the link of a survey that is over."""

    def __init__(self, message: str, code: str = "gone") -> None:
        super().__init__(message)
        self.code = code


class TooManyAttempts(HotlineError):
    """Too many wrong secrets for one thing in a short time; refused for a while, right or wrong (HTTP 429)."""

    code = "too_many_attempts"


class Unauthenticated(HotlineError):
    code = "unauthenticated"


class Forbidden(HotlineError):
    code = "forbidden"


@dataclass
class Conflict(HotlineError):
    """The request clashes with the current state (HTTP 409)."""

    message: str
    code: str = "conflict"
    current_status: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)


class DuplicateExternalRef(Conflict):
    """The partner already submitted a ticket with this `external_ref` (the partner API answers with that ticket)."""

    def __init__(self, number: str, external_ref: str) -> None:
        super().__init__(
            message=f"a ticket with external_ref {external_ref!r} already exists: {number}",
            code="external_ref_exists",
        )
        self.number = number
