"""Unified intake (统一受理): every channel registers tickets through here."""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.base.privacy import Pepper
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.numbering import month_of, new_access_code
from hotline.domain.tickets.ports import CatalogRepository, ClockRunner, TicketRepository
from hotline.domain.tickets.ticket import Actor, ClockState, Handling, Ticket, TicketDraft, TicketEvent, new_event_id
from hotline.domain.tickets.timers import TimerName


@dataclass(frozen=True)
class Registration:
    ticket: Ticket
    access_code: str
    """Shown once to the customer; only its hash is stored."""


@dataclass
class Intake:
    tickets: TicketRepository
    catalog: CatalogRepository
    clock: Clock
    zone: ZoneInfo
    rules: Callable[[], HandlingConfig]
    runner: ClockRunner
    pepper: Pepper
    new_id: Callable[[], str] = lambda: uuid4().hex
    new_code: Callable[[], str] = new_access_code

    def register(
        self,
        draft: TicketDraft,
        channel: Channel,
        actor: Actor,
        partner_id: str | None = None,
        external_ref: str | None = None,
        public: bool = False,
    ) -> Registration:
        self._check_category(draft)
        now = self.clock.now()
        ticket_id = self.new_id()
        code = self.new_code()
        ticket = Ticket(
            **draft.model_dump(include=set(TicketDraft.model_fields)),
            id=ticket_id,
            number="",
            access_code_hash=self.pepper.access_code_hash(ticket_id, code),
            channel=channel,
            partner_id=partner_id,
            external_ref=external_ref,
            public=public,
            phone_hash=self.pepper.phone_hash(draft.contact.phone) if draft.contact and draft.contact.phone else None,
            received_at=now,
            updated_at=now,
        )
        created = TicketEvent(
            id=new_event_id(now),
            type="ticket.created",
            number="",
            actor=actor,
            at=now,
            data={"channel": channel.value, "type": draft.type.value, "category": draft.category},
        )
        # The dispatch timer runs from receipt; the clock's first wake-up, right away, routes the ticket.
        ticket.handling = Handling(
            timers={TimerName.DISPATCH: self.rules().start_timer(ticket, TimerName.DISPATCH, now)},
            clock=ClockState(generation=1, wake_at=now),
        )
        stored = self.tickets.create(ticket, created, month_of(now, self.zone))
        restart_clock(self.runner, stored)
        return Registration(ticket=stored, access_code=code)

    def register_for_customer(self, by: StaffMember, draft: TicketDraft, channel: Channel) -> Registration:
        """A ticket centre staff register on a customer's behalf: a call, a letter, a visit …"""
        by.require_any(CENTRE_ROLES, "registering a ticket")
        return self.register(draft, channel, by.actor)

    def _check_category(self, draft: TicketDraft) -> None:
        allowed = self.catalog.get().allows(draft.category, draft.type)
        if allowed is None:
            raise InvalidInput(
                "unknown category", [FieldProblem("category", f"'{draft.category}' is not in the catalogue")]
            )
        if not allowed:
            raise InvalidInput(
                "category does not fit the type",
                [FieldProblem("category", f"'{draft.category}' cannot be used for {draft.type.value} tickets")],
            )
