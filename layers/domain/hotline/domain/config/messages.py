"""The texts customers are sent (zh-CN templates), as data an admin edits (`PUT /v1/staff/config/messages`).

A template fills `{placeholders}` from what its kind provides, and nothing else: no template can ask for the
customer's name or address, so no text carries them.
"""

from string import Formatter
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from hotline.domain.tickets.customer_message import MessageKind

MAX_TEMPLATE_CHARS = 300

PLACEHOLDERS: dict[MessageKind, frozenset[str]] = {
    MessageKind.RECEIPT: frozenset({"number", "code", "link"}),
    MessageKind.QUESTION: frozenset({"number", "question", "link"}),
    MessageKind.REPLY: frozenset({"number", "result", "link"}),
    MessageKind.SURVEY: frozenset({"number", "link"}),
}
"""What each kind of text provides: the ticket number, and what the process that sends it fills in."""

Template = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEMPLATE_CHARS)]


def _described(kind: MessageKind, what: str) -> str:
    names = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS[kind]))
    return f"{what} Placeholders: {names}."


class MessageTemplates(BaseModel):
    """One template per kind of text; each at most 300 characters."""

    model_config = ConfigDict(extra="forbid")

    receipt: Template = Field(description=_described(MessageKind.RECEIPT, "At receipt: the number, access code, link."))
    question: Template = Field(description=_described(MessageKind.QUESTION, "A unit asks the customer something."))
    reply: Template = Field(description=_described(MessageKind.REPLY, "The unit's result, with the survey link."))
    survey: Template = Field(description=_described(MessageKind.SURVEY, "The survey link on its own."))

    @field_validator("receipt", "question", "reply", "survey")
    @classmethod
    def _fills_only_what_its_kind_provides(cls, template: str, info: ValidationInfo) -> str:
        provided = PLACEHOLDERS[MessageKind(str(info.field_name))]
        try:
            parts = list(Formatter().parse(template))
        except ValueError as error:  # a lone "{" or "}"
            raise ValueError(f"not a template: {error}; write {{{{ and }}}} for braces") from None
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in provided:
                allowed = ", ".join(f"{{{p}}}" for p in sorted(provided))
                raise ValueError(f"{{{name}}} is not a placeholder of this text; use only {allowed}")
            if spec or conversion:
                raise ValueError(f"write {{{name}}} as it is, without a format or conversion")
        return template

    def of(self, kind: MessageKind) -> str:
        return str(getattr(self, kind.value))


DEFAULT_TEMPLATES = MessageTemplates(
    receipt="【12345热线】您的诉求已受理，工单号{number}，查询码{code}，请妥善保存。查询进度：{link}",
    question="【12345热线】工单{number}：承办单位需要您补充信息：{question}。请回复：{link}",
    reply="【12345热线】工单{number}已办理：{result}。请评价办理结果：{link}",
    survey="【12345热线】请评价工单{number}的办理结果：{link}",
)
"""Seeded defaults; admins replace them as data."""
