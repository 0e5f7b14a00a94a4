"""Unified intake (统一受理): every channel registers tickets through here."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import uuid4
from zoneinfo import ZoneInfo

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import FieldProblem, InvalidInput
from hotline.domain.base.privacy import Pepper
from hotline.domain.changes.change import Change
from hotline.domain.changes.direct import close_directly
from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.messages import tell, track_link
from hotline.domain.staff.roles import CENTRE_ROLES, StaffMember
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.clock_run import restart_clock
from hotline.domain.tickets.customer_message import CustomerMessage, MessageKind
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.numbering import month_of, new_access_code
from hotline.domain.tickets.ports import ArticleShelf, CatalogRepository, ClockRunner, TicketRepository
from hotline.domain.tickets.ticket import Actor, ClockState, Handling, Ticket, TicketDraft, new_event_id
from hotline.domain.tickets.timers import TimerName
from hotline.domain.uploads.uploads import Uploads


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
    site: str = field(kw_only=True)
    """The public site the receipt text links to."""
    articles: ArticleShelf = field(kw_only=True)
    """The knowledge articles a direct answer may cite."""
    uploads: Uploads = field(kw_only=True)
    """The files tickets may refer to: uploaded through the API (partners may also give https links)."""

    def register(
        self,
        draft: TicketDraft,
        channel: Channel,
        actor: Actor,
        partner_id: str | None = None,
        external_ref: str | None = None,
        public: bool = False,
        disposition: Disposition | None = None,
        open311: bool = False,
    ) -> Registration:
        """A new ticket: routed and clocked from its receipt, or — with a disposition, the matter settled while the
        caller was on the line (直办) — stored closed with it, never routed and never clocked."""
        self._check_category(draft)
        attachments = self.uploads.claim(draft.attachments, links=partner_id is not None)
        draft = draft.model_copy(update={"attachments": attachments})
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
            open311=open311,
            phone_hash=self.pepper.phone_hash(draft.contact.phone) if draft.contact and draft.contact.phone else None,
            received_at=now,
            updated_at=now,
        )
        change = Change(ticket, actor, now, self.rules(), new_event_id)
        change.record("ticket.created", channel=channel.value, type=draft.type.value, category=draft.category)
        if disposition is None:
            # The dispatch timer runs from receipt; the clock's first wake-up, right away, routes the ticket.
            ticket.handling = Handling(
                timers={TimerName.DISPATCH: change.rules.start_timer(ticket, TimerName.DISPATCH, now)},
                clock=ClockState(generation=1, wake_at=now),
            )
        else:
            ticket.handling.clock.routed = True
            close_directly(change, disposition)

        def receipt(numbered: Ticket) -> tuple[Ticket, Sequence[CustomerMessage]]:
            # The text quotes the number, which the store allocates in the very write that stores the ticket.
            told = Change.of(numbered, actor, now, change.rules, new_event_id)
            tell(told, MessageKind.RECEIPT, code=code, link=track_link(self.site, numbered.number))
            return told.ticket, told.messages

        stored = self.tickets.create(change.ticket, change.events, month_of(now, self.zone), receipt)
        if stored.handling.clock.generation:
            restart_clock(self.runner, stored)
        return Registration(ticket=stored, access_code=code)

    def register_for_customer(
        self, by: StaffMember, draft: TicketDraft, channel: Channel, disposition: Disposition | None = None
    ) -> Registration:
        """A ticket centre staff register on a customer's behalf: a call, a letter, a visit … With a disposition the
        agent settled it on the call: answered (its `answer` is required) or referred (its `agency`); the articles an
        answer cites must be in force."""
        by.require_any(CENTRE_ROLES, "registering a ticket")
        if disposition is not None:
            disposition.checked("disposition.").citing(self.articles, "disposition.")
        return self.register(draft, channel, by.actor, disposition=disposition)

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
