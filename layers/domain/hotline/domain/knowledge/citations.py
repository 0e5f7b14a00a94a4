"""Citations: how often direct answers (直办) used each article, counted from the ticket writes on the table stream.

A ticket write that names articles its earlier write did not (`handling.articles`) cites each of them once; the
store counts a ticket's citation of an article only once, so a write the stream hands on again counts nothing
twice. An id that names no article is not counted.
"""

from dataclasses import dataclass

from hotline.domain.knowledge.ports import CitationLedger
from hotline.domain.tickets.ticket import Ticket


@dataclass(frozen=True)
class Citations:
    ledger: CitationLedger

    def count(self, ticket: Ticket, before: Ticket | None) -> None:
        """`before`: the ticket as its previous write left it (None for a new ticket)."""
        earlier = set(before.handling.articles) if before else set()
        for article_id in dict.fromkeys(ticket.handling.articles):
            if article_id not in earlier:
                self.ledger.cite(article_id, ticket.number)
