"""What a survey's answer, or its lack, does to the ticket (seed 003): satisfied or basically satisfied closes it
`resolved`; dissatisfied sends it back to its unit for rework (发回重办); no answer closes it `no_response`."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput
from hotline.domain.changes.after_reply import close, reopen
from hotline.domain.changes.change import Change
from hotline.domain.config.ladder import Counter
from hotline.domain.tickets.survey import Grade, Survey, SurveyChannel
from hotline.domain.tickets.ticket import Resolution, Text
from hotline.domain.tickets.timers import TimerName

Comment = Annotated[Text, Field(max_length=500)]


class Answer(BaseModel):
    """The customer's answer: 满意 / 基本满意 / 不满意, whether the problem was solved, and a comment."""

    model_config = ConfigDict(extra="forbid")

    grade: Grade
    solved: bool = Field(description="Whether the problem was solved.")
    comment: Comment | None = Field(default=None, description="What the customer wants to add (at most 500 chars).")


class CallRecord(BaseModel):
    """An agent's callback call: the customer's answer when reached, or an attempt that did not reach them."""

    model_config = ConfigDict(extra="forbid")

    reached: bool
    grade: Grade | None = Field(default=None, description="Required when reached.")
    solved: bool | None = Field(default=None, description="Required when reached.")
    comment: Comment | None = Field(default=None, description="The customer's opinion as noted on the call (回访意见).")

    def answer(self) -> Answer | None:
        """The customer's answer (None for a call that did not reach them); 422 when a reached call lacks one."""
        if not self.reached:
            return None
        missing = [name for name in ("grade", "solved") if getattr(self, name) is None]
        if missing:
            problems = [FieldProblem(name, "a call that reached the customer records it") for name in missing]
            raise InvalidInput("the customer's answer is incomplete", problems)
        return Answer.model_validate(self.model_dump(include=set(Answer.model_fields)))


def pending(change: Change, channel: SurveyChannel | None = None) -> Survey:
    """The survey waiting for an answer (of `channel`, when given), or 409 saying why none is."""
    survey, status = change.ticket.pending_survey, change.ticket.status.value
    if survey is None:
        last = change.handling.survey
        if last is not None and last.answered_at is not None:
            raise Conflict("this reply's survey is already answered", "survey_answered", status)
        if last is not None and last.expired_at is not None:
            raise Conflict("this reply's survey has closed without an answer", "survey_expired", status)
        raise Conflict("no survey is waiting for an answer", "no_open_survey", status)
    if channel is not None and survey.channel is not channel:
        raise Conflict(f"this ticket's survey goes by {survey.channel.value}", "survey_channel", status)
    return survey


def take_answer(change: Change, survey: Survey, answer: Answer) -> None:
    """The answer ends the round, and the callback is done (met, late or not)."""
    survey.answered_at, survey.grade, survey.solved = change.now, answer.grade, answer.solved
    survey.comment = answer.comment
    change.record(
        "survey.answered",
        round=survey.round,
        channel=survey.channel.value,
        grade=answer.grade.value,
        solved=answer.solved,
        comment=answer.comment,
    )
    change.meet(TimerName.CALLBACK)
    if answer.grade is not Grade.DISSATISFIED:
        close(change, Resolution.RESOLVED, survey_round=survey.round)
        return
    counts = change.handling.counts
    counts.dissatisfied += 1
    reopen(change, "the customer is dissatisfied with the reply (survey)", survey_round=survey.round)
    change.notify("rework", 1, f"Ticket {change.ticket.number} is back for rework (发回重办): customer dissatisfied")
    change.escalate_on_count(Counter.DISSATISFIED, counts.dissatisfied)


def unreached(change: Change, survey: Survey) -> None:
    """A callback call that did not reach the customer; after the policy's `callback_attempts` the ticket closes."""
    survey.attempts += 1
    limit = change.rules.policy(change.ticket).callback_attempts
    change.record("survey.unreached", round=survey.round, attempt=survey.attempts, of=limit)
    if survey.attempts >= limit:
        expire(change, survey)


def expire(change: Change, survey: Survey) -> None:
    """The round ends unanswered: closed `no_response` (its callback timer cancelled)."""
    survey.expired_at = change.now
    change.record("survey.expired", round=survey.round, channel=survey.channel.value, attempts=survey.attempts)
    close(change, Resolution.NO_RESPONSE, survey_round=survey.round)
