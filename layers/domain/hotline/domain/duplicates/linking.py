"""Staff binding a ticket to a primary and undoing it (`POST …/link`, `…/unlink`), by changes/binding.py's rules."""

from dataclasses import dataclass, field

from hotline.domain.changes.binding import link, unlink
from hotline.domain.changes.change import Workshop
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.ports import ClockRunner
from hotline.domain.tickets.ticket import Status, Ticket


def link_actions(staff: StaffMember, ticket: Ticket) -> list[str]:
    """`link` and `unlink` when `staff` may take them on `ticket` now: binding needs an open ticket neither bound nor a
    primary, undoing it a bound one."""
    if not staff.roles & CENTRE_ROLES:
        return []
    if ticket.handling.primary:
        return ["unlink"]
    return ["link"] if ticket.status is not Status.CLOSED and not ticket.handling.bound else []


@dataclass
class Linking(Workshop):
    runner: ClockRunner = field(kw_only=True)

    def link(self, number: str, primary: str, staff: StaffMember) -> Ticket:
        staff.require_any(CENTRE_ROLES, "binding tickets")
        return link(self, self.runner, number, primary, staff.actor)

    def unlink(self, number: str, staff: StaffMember, reason: str | None) -> Ticket:
        staff.require_any(CENTRE_ROLES, "unbinding tickets")
        return unlink(self, self.runner, number, staff.actor, reason)
