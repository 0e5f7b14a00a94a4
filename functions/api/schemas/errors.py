"""The error body of every /v1 route: `{"error": {"code", "message", "fields": [{"field", "problem"}]}}`."""

from pydantic import BaseModel


class ErrorField(BaseModel):
    field: str
    problem: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[ErrorField] | None = None
    current_status: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
