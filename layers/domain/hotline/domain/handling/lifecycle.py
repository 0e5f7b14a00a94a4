"""Staff actions on a ticket (办理): each is role-checked, allowed only from certain statuses, optimistic-locked,
recorded on the timeline, and restarts the ticket clock when it moves the next due point."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hotline.domain.base.clock import to_iso_z
from hotline.domain.base.errors import Conflict, FieldProblem, InvalidInput, NotFound
from hotline.domain.changes.change import Change, Workshop
from hotline.domain.changes.due_points import CLOCKED, reschedule
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.config.ladder import Counter
from hotline.domain.handling import commands as c
from hotline.domain.handling.wake_up import dispatch
from hotline.domain.staff.roles import CENTRE_ROLES, SUPERVISION_ROLES, UNIT_WORK_ROLES, Role, StaffMember
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.numbering import UNKNOWN, is_number
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.ticket import ExtensionRequest, Resolution, Status, Ticket
from hotline.domain.tickets.timers import TimerName

S = Status
ALL_OPEN = frozenset(set(S) - {S.CLOSED})


@dataclass(frozen=True)
class Permission:
    action: str
    roles: frozenset[Role]
    statuses: frozenset[Status]


PERMISSIONS: dict[type[c.Command], Permission] = {
    c.Dispatch: Permission("dispatch", SUPERVISION_ROLES | {Role.DISPATCHER}, frozenset({S.RECEIVED})),
    c.Accept: Permission("accept", UNIT_WORK_ROLES, frozenset({S.DISPATCHED})),
    c.RequestInfo: Permission("request info", UNIT_WORK_ROLES, frozenset({S.IN_PROGRESS})),
    c.InfoReceived: Permission(
        "record the customer's info", UNIT_WORK_ROLES | {Role.AGENT}, frozenset({S.AWAITING_CUSTOMER})
    ),
    c.Reply: Permission("reply", UNIT_WORK_ROLES, frozenset({S.IN_PROGRESS})),
    c.Return: Permission("return", UNIT_WORK_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS})),
    c.RequestExtension: Permission(
        "request an extension", UNIT_WORK_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_CUSTOMER})
    ),
    c.DecideExtension: Permission(
        "decide an extension", SUPERVISION_ROLES, frozenset({S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_CUSTOMER})
    ),
    c.Urge: Permission("urge", CENTRE_ROLES, ALL_OPEN),
    c.Supervise: Permission("supervise", SUPERVISION_ROLES, ALL_OPEN),
    c.Close: Permission("close", CENTRE_ROLES, frozenset({S.RECEIVED, S.REPLIED})),
    c.Reopen: Permission("reopen", SUPERVISION_ROLES | {Role.AGENT}, frozenset({S.REPLIED, S.CLOSED})),
    c.ChangePriority: Permission("change the priority", CENTRE_ROLES, ALL_OPEN - {S.REPLIED}),
    c.Publish: Permission("publish", SUPERVISION_ROLES | {Role.AGENT}, frozenset(S)),
}

CLOSE_FROM: dict[Status, frozenset[Resolution]] = {
    S.RECEIVED: frozenset({Resolution.DIRECT_ANSWER, Resolution.REFERRED, Resolution.DUPLICATE}),
    S.REPLIED: frozenset({Resolution.RESOLVED, Resolution.NO_RESPONSE}),
}


@dataclass
class Lifecycle(Workshop):
    runner: ClockRunner = field(kw_only=True)

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
        timer = change.handling.timers.get(TimerName.RESOLVE)
        if timer is not None and timer.open:
            timer.paused_at = change.now
        change.ticket.status = S.AWAITING_CUSTOMER
        change.handling.public_note = command.question
        change.record("ticket.info_requested", question=command.question)

    def _info_received(self, change: Change, command: c.InfoReceived) -> None:
        timer = change.handling.timers.get(TimerName.RESOLVE)
        paused = 0.0
        if timer is not None and timer.paused_at is not None:
            paused = (change.now - timer.paused_at).total_seconds()
            timer.due = change.rules.calendar(change.ticket).shift(timer.due, timer.paused_at, change.now, timer.unit)
            timer.paused_at = None
        change.ticket.status = S.IN_PROGRESS
        due = to_iso_z(timer.due) if timer else None
        change.record("ticket.info_received", note=command.note, paused_seconds=paused, resolve_due=due)

    def _reply(self, change: Change, command: c.Reply) -> None:
        change.meet(TimerName.RESOLVE)
        handling = change.handling
        handling.timers[TimerName.CALLBACK] = change.rules.start_timer(change.ticket, TimerName.CALLBACK, change.now)
        handling.result, handling.cause_code, handling.public_note = command.result, command.cause_code, command.result
        handling.extension = None
        change.ticket.status = S.REPLIED
        change.record("ticket.replied", result=command.result, cause_code=command.cause_code)

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
        if command.resolution is Resolution.DUPLICATE:
            original = self.tickets.get(command.duplicate_of) if command.duplicate_of else None
            if original is None or original.number == ticket.number:
                raise InvalidInput(
                    "duplicate of what?", [FieldProblem("duplicate_of", "name the existing ticket this one duplicates")]
                )
        if command.resolution is Resolution.RESOLVED:
            change.meet(TimerName.CALLBACK)
        change.cancel(*TimerName)
        ticket.status, change.handling.resolution = S.CLOSED, command.resolution
        change.record(
            "ticket.closed", resolution=command.resolution.value, note=command.note, duplicate_of=command.duplicate_of
        )

    def _reopen(self, change: Change, command: c.Reopen) -> None:
        ticket, handling = change.ticket, change.handling
        change.cancel(TimerName.CALLBACK)
        handling.resolution = None
        handling.counts.reopened += 1
        if ticket.unit_id:
            ticket.status = S.IN_PROGRESS
            handling.timers[TimerName.RESOLVE] = change.rules.start_timer(ticket, TimerName.RESOLVE, change.now)
        else:
            ticket.status = S.RECEIVED
            handling.timers[TimerName.DISPATCH] = change.rules.start_timer(ticket, TimerName.DISPATCH, change.now)
        change.record("ticket.reopened", reason=command.reason, rework=handling.counts.reopened)
        change.escalate_on_count(Counter.REOPENED, handling.counts.reopened)

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
