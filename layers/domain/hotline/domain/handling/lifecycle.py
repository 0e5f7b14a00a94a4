"""Staff actions on a ticket (办理): each is role-checked, allowed only from certain statuses, optimistic-locked,
recorded on the timeline, and restarts the ticket clock when it moves the next due point."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput, NotFound
from hotline.domain.changes.after_reply import close, reopen
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.direct import close_directly
from hotline.domain.changes.due_points import CLOCKED, reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import Counter
from hotline.domain.customers.messages import tell, track_link
from hotline.domain.customers.surveying import SurveyLinks, reply
from hotline.domain.handling import commands as c
from hotline.domain.handling.wake_up import dispatch
from hotline.domain.staff.roles import CENTRE_ROLES, SUPERVISION_ROLES, UNIT_WORK_ROLES, Role, StaffMember
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.customer_message import MessageKind
from hotline.domain.tickets.disposition import DIRECT, Disposition
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import ArticleShelf, ClockRunner
from hotline.domain.tickets.ticket import CustomerWait, ExtensionRequest, Resolution, Status, Ticket
from hotline.domain.tickets.timers import TimerName

S = Status
ALL_OPEN = frozenset(set(S) - {S.CLOSED})


@dataclass(frozen=True)
class Permission:
    action: str
    roles: frozenset[Role]
    statuses: frozenset[Status]
    only: Mapping[Status, frozenset[Role]] = field(default_factory=dict)
    """Narrower roles from some statuses; `roles` is everyone who may act from any."""

    def allows(self, staff: StaffMember, status: Status) -> bool:
        return status in self.statuses and bool(staff.roles & self.only.get(status, self.roles))


PERMISSIONS: dict[type[c.Command], Permission] = {
    c.Dispatch: Permission("dispatch", SUPERVISION_ROLES | {Role.DISPATCHER}, frozenset({S.RECEIVED})),
    c.Accept: Permission("accept", UNIT_WORK_ROLES, frozenset({S.DISPATCHED})),
    c.RequestInfo: Permission("request info", UNIT_WORK_ROLES, frozenset({S.IN_PROGRESS})),
    c.InfoReceived: Permission(
        "record the customer's info", UNIT_WORK_ROLES | {Role.AGENT}, frozenset({S.AWAITING_CUSTOMER})
    ),
    c.Reply: Permission("reply", UNIT_WORK_ROLES, frozenset({S.IN_PROGRESS, S.AWAITING_CUSTOMER})),
    c.Return: Permission("return", UNIT_WORK_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS})),
    c.RequestExtension: Permission(
        "request an extension", UNIT_WORK_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_CUSTOMER})
    ),
    c.DecideExtension: Permission(
        "decide an extension", SUPERVISION_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_CUSTOMER})
    ),
    c.Urge: Permission("urge", CENTRE_ROLES, ALL_OPEN),
    c.Supervise: Permission("supervise", SUPERVISION_ROLES, ALL_OPEN),
    c.Close: Permission(
        "close",
        CENTRE_ROLES | UNIT_WORK_ROLES,
        frozenset({S.RECEIVED, S.REPLIED, S.AWAITING_CUSTOMER}),
        # A question the customer leaves unanswered is the unit's to close (no_response, once the wait is over).
        only={S.RECEIVED: CENTRE_ROLES, S.REPLIED: CENTRE_ROLES, S.AWAITING_CUSTOMER: UNIT_WORK_ROLES},
    ),
    c.Reopen: Permission("reopen", SUPERVISION_ROLES | {Role.AGENT}, frozenset({S.REPLIED, S.CLOSED})),
    c.ChangePriority: Permission("change the priority", CENTRE_ROLES, ALL_OPEN - {S.REPLIED}),
    c.Publish: Permission("publish", SUPERVISION_ROLES | {Role.AGENT}, frozenset(S)),
}


def allowed(staff: StaffMember, ticket: Ticket) -> list[str]:
    """The names of the actions `staff` may take on `ticket` now by role and status: those `act` does not refuse as
    forbidden, unknown or `invalid_transition` (one may still refuse on finer state, e.g. no extension waiting)."""
    if not staff.can_see(ticket):
        return []
    return [kind.name for kind, permission in PERMISSIONS.items() if permission.allows(staff, ticket.status)]


DIRECT_ONLY = ("answer", "agency", "articles")
"""What only a direct close (direct_answer, referred) records: refused with any other resolution, never dropped."""

CLOSE_FROM: dict[Status, frozenset[Resolution]] = {
    S.RECEIVED: frozenset({Resolution.DIRECT_ANSWER, Resolution.REFERRED, Resolution.DUPLICATE}),
    S.REPLIED: frozenset({Resolution.RESOLVED, Resolution.NO_RESPONSE}),
    S.AWAITING_CUSTOMER: frozenset({Resolution.NO_RESPONSE}),
}


@dataclass
class Lifecycle(Workshop):
    runner: ClockRunner = field(kw_only=True)
    links: SurveyLinks = field(kw_only=True)
    """Makes the one-time link a reply's survey text carries."""
    articles: ArticleShelf = field(kw_only=True)
    """The knowledge articles a direct answer may cite."""

    def act(self, number: str, staff: StaffMember, command: c.Command) -> Ticket:
        if command.version is not None:
            return self._act_once(number, staff, command, self.rules())  # the ticket as the caller read it, or 409
        # Without a `version` the caller means "the ticket as it is now": a clock wake-up or another
        # action saved in between is no reason to refuse, so apply it again to the newer ticket.
        return self.retrying(lambda rules: self._act_once(number, staff, command, rules))

    def _act_once(self, number: str, staff: StaffMember, command: c.Command, rules: HandlingConfig) -> Ticket:
        ticket = self.tickets.get(number, consistent=True) if is_number(number) else None
        if ticket is None or not staff.can_see(ticket):
            raise NotFound(UNKNOWN)
        permission = PERMISSIONS[type(command)]
        staff.require_any(permission.roles, permission.action)
        if command.version is not None and command.version != ticket.version:
            raise Conflict("the ticket changed since you read it", "version_mismatch", ticket.status.value)
        if ticket.status not in permission.statuses:
            raise Conflict(
                f"cannot {permission.action} a ticket that is {ticket.status.value}",
                "invalid_transition",
                ticket.status.value,
            )
        staff.require_any(permission.only.get(ticket.status, permission.roles), permission.action)
        change = self.begin(ticket, staff.actor, rules)
        APPLY[type(command)](self, change, command)
        restart = reschedule(change)
        saved = self.commit(change)
        if restart:
            restart_clock(self.runner, saved)
        return saved

    # -- the actions -------------------------------------------------------------------------------

    def _dispatch(self, change: Change, command: c.Dispatch) -> None:
        change.rules.unit(command.unit_id)
        dispatch(change, command.unit_id, note=command.note)

    def _accept(self, change: Change, command: c.Accept) -> None:
        change.meet(TimerName.ACCEPT)
        change.ticket.status = S.IN_PROGRESS
        change.record("ticket.accepted", note=command.note)

    def _request_info(self, change: Change, command: c.RequestInfo) -> None:
        ticket, handling = change.ticket, change.handling
        timer = handling.timers.get(TimerName.RESOLVE)
        if timer is not None and timer.open:
            timer.paused_at = change.now
        limit = change.rules.policy(ticket).awaiting_customer_limit
        handling.customer_wait = CustomerWait(
            since=change.now, limit_at=change.rules.calendar(ticket).deadline(change.now, limit)
        )
        ticket.status = S.AWAITING_CUSTOMER
        handling.public_note = command.question
        change.record("ticket.info_requested", question=command.question)
        tell(change, MessageKind.QUESTION, question=command.question, link=track_link(self.links.site, ticket.number))

    def _info_received(self, change: Change, command: c.InfoReceived) -> None:
        resume(change, note=command.note)

    def _reply(self, change: Change, command: c.Reply) -> None:
        cause = change.rules.cause(command.cause_code).code
        if change.ticket.status is S.AWAITING_CUSTOMER:
            _end_wait(change)  # replied without the answer: the time waited still does not count
        change.meet(TimerName.RESOLVE)
        reply(change, command.result, cause, self.links)

    def _return(self, change: Change, command: c.Return) -> None:
        ticket, handling = change.ticket, change.handling
        change.record("ticket.returned", reason=command.reason, unit_id=ticket.unit_id)
        change.cancel(TimerName.ACCEPT, TimerName.RESOLVE)
        ticket.unit_id, ticket.status, handling.extension = None, S.RECEIVED, None
        handling.timers[TimerName.DISPATCH] = change.rules.start_timer(ticket, TimerName.DISPATCH, change.now)
        handling.counts.returned += 1
        change.escalate_on_count(Counter.RETURNED, handling.counts.returned)

    def _request_extension(self, change: Change, command: c.RequestExtension) -> None:
        timer = change.handling.timers.get(TimerName.RESOLVE)
        if timer is None or not timer.open or change.now >= timer.due:
            raise Conflict(
                "an extension must be requested before the resolve deadline",
                "deadline_passed",
                change.ticket.status.value,
            )
        if change.handling.extension is not None:
            raise Conflict(
                "an extension request is already waiting for a decision",
                "extension_pending",
                change.ticket.status.value,
            )
        due = change.rules.calendar(change.ticket).extend(timer.due, command.extend_by)
        change.handling.extension = ExtensionRequest(
            requested_by=change.actor, requested_at=change.now, due=due, reason=command.reason
        )
        change.record(
            "ticket.extension_requested",
            reason=command.reason,
            extend_by=str(command.extend_by),
            requested_due=to_iso_z(due),
        )

    def _decide_extension(self, change: Change, command: c.DecideExtension) -> None:
        handling = change.handling
        request = handling.extension
        if request is None:
            raise Conflict("no extension request is waiting", "no_extension_pending", change.ticket.status.value)
        handling.extension = None
        timer = handling.timers[TimerName.RESOLVE]
        if command.approve:
            timer.original_due = timer.original_due or timer.due
            change.move_due(TimerName.RESOLVE, request.due)
            handling.counts.extensions += 1
        change.record(
            "ticket.extension_decided",
            approved=command.approve,
            note=command.note,
            due=to_iso_z(timer.due),
            original_due=to_iso_z(timer.original_due or timer.due),
        )

    def _urge(self, change: Change, command: c.Urge) -> None:
        change.handling.counts.urged += 1
        to = change.notify("urge", 1, f"Ticket {change.ticket.number} urged (催办): {command.note or ''}".strip())
        change.record("ticket.urged", note=command.note, to=to)

    def _supervise(self, change: Change, command: c.Supervise) -> None:
        change.handling.supervised = True
        to = change.notify("supervision", 1, f"Ticket {change.ticket.number} is supervised (督办): {command.note}")
        change.record("ticket.supervised", note=command.note, to=to)
        change.escalate(2, "supervised (督办)")

    def _close(self, change: Change, command: c.Close) -> None:
        ticket = change.ticket
        if command.resolution not in CLOSE_FROM[ticket.status]:
            allowed = ", ".join(sorted(CLOSE_FROM[ticket.status]))
            raise InvalidInput(
                "resolution does not fit",
                [FieldProblem("resolution", f"a {ticket.status.value} ticket closes as one of: {allowed}")],
            )
        if command.resolution in DIRECT:
            fields = command.model_dump(include=set(Disposition.model_fields))
            close_directly(change, Disposition.model_validate(fields).checked().citing(self.articles))
            return
        stray = [FieldProblem(name, "only a direct close records it") for name in DIRECT_ONLY if getattr(command, name)]
        if stray:
            raise InvalidInput(f"a {command.resolution.value} close records no answer", stray)
        if ticket.status is S.AWAITING_CUSTOMER:
            _end_unanswered_wait(change)
        if command.resolution is Resolution.DUPLICATE:
            original = self.tickets.get(command.duplicate_of) if command.duplicate_of else None
            if original is None or original.number == ticket.number:
                raise InvalidInput(
                    "duplicate of what?", [FieldProblem("duplicate_of", "name the existing ticket this one duplicates")]
                )
        close(change, command.resolution, note=command.note, duplicate_of=command.duplicate_of)

    def _reopen(self, change: Change, command: c.Reopen) -> None:
        reopen(change, command.reason)

    def _change_priority(self, change: Change, command: c.ChangePriority) -> None:
        ticket = change.ticket
        before = ticket.priority
        ticket.priority = command.priority
        target = change.rules.policy(ticket).targets
        calendar = change.rules.calendar(ticket)
        for name in CLOCKED:
            timer = change.handling.timers.get(name)
            if timer is not None and timer.open:
                change.move_due(name, calendar.deadline(timer.started_at, target[name]))
        change.record(
            "ticket.priority_changed", before=before.value, after=command.priority.value, reason=command.reason
        )

    def _publish(self, change: Change, command: c.Publish) -> None:
        change.ticket.public = command.public
        change.record("ticket.published" if command.public else "ticket.unpublished", reason=command.reason)


def resume(change: Change, **data: Any) -> None:
    """The customer's answer is in (told by them, or by staff who heard it): back to in_progress, the resolve due moved
    by the time waited (working time for working units)."""
    paused = _end_wait(change)
    timer = change.handling.timers.get(TimerName.RESOLVE)
    change.ticket.status = S.IN_PROGRESS
    due = to_iso_z(timer.due) if timer else None
    change.record("ticket.info_received", **data, paused_seconds=paused, resolve_due=due)


def _end_wait(change: Change) -> float:
    """Resume the paused resolve timer (its due moves by the time waited) and end the wait; the seconds waited."""
    change.handling.customer_wait = None
    timer = change.handling.timers.get(TimerName.RESOLVE)
    if timer is None or timer.paused_at is None:
        return 0.0
    paused = (change.now - timer.paused_at).total_seconds()
    timer.due = change.rules.calendar(change.ticket).shift(timer.due, timer.paused_at, change.now, timer.unit)
    timer.paused_at = None
    return paused


def _end_unanswered_wait(change: Change) -> None:
    """A question left unanswered closes `no_response` only once the customer's time to answer is over."""
    wait = change.handling.customer_wait
    if wait is not None and change.now < wait.limit_at:
        local = change.rules.calendar(change.ticket).local(wait.limit_at)
        raise Conflict(
            f"the customer has until {local.isoformat()} to answer; close it as no_response after that",
            "customer_may_still_answer",
            change.ticket.status.value,
        )
    change.handling.customer_wait = None


APPLY: dict[type[c.Command], Callable[[Lifecycle, Change, Any], None]] = {
    c.Dispatch: Lifecycle._dispatch,
    c.Accept: Lifecycle._accept,
    c.RequestInfo: Lifecycle._request_info,
    c.InfoReceived: Lifecycle._info_received,
    c.Reply: Lifecycle._reply,
    c.Return: Lifecycle._return,
    c.RequestExtension: Lifecycle._request_extension,
    c.DecideExtension: Lifecycle._decide_extension,
    c.Urge: Lifecycle._urge,
    c.Supervise: Lifecycle._supervise,
    c.Close: Lifecycle._close,
    c.Reopen: Lifecycle._reopen,
    c.ChangePriority: Lifecycle._change_priority,
    c.Publish: Lifecycle._publish,
}
