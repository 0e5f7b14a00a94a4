"""Ports: partners and their API keys. Adapters implement these; unit tests use fakes."""

from datetime import date
from typing import Protocol

from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.partners.partner import IssuedKey, KeyUsage, Partner


class PartnerRepository(Protocol):
    def by_api_key_id(self, api_key_id: str) -> Partner | None: ...

    def by_api_key_hash(self, key_hash: str) -> Partner | None:
        """The active partner whose key hashes to this (Open311 sends the key itself, as a form field)."""
        ...

    def save(self, partner: Partner) -> None: ...


class PartnerDirectory(PartnerRepository, Protocol):
    """The partners an admin manages (PartnerRepository is what the partner routes need)."""

    def get(self, partner_id: str, *, consistent: bool = False) -> Partner | None: ...

    def save(self, partner: Partner, *, lease: str | None = None) -> None:
        """With a lease: only while it is still held, else Conflict (code `rotation_in_progress`)."""
        ...

    def lease(self, partner_id: str) -> str:
        """The sole right to change the partner's key for a short while (rotate, revoke). Waits a few seconds
        while another change holds it, then raises Conflict (code `rotation_in_progress`)."""
        ...

    def release(self, partner_id: str, lease: str) -> None:
        """Give the lease up if it is still ours (it also lapses by itself)."""
        ...

    def add(self, partner: Partner) -> None:
        """Store a new partner; raises Conflict (code `partner_exists`) when the id is taken."""
        ...

    def list(self, page: PageRequest) -> Page[Partner]:
        """Every partner, by id."""
        ...


class PartnerKeys(Protocol):
    """API keys and usage plans at the gateway. A key's value is returned once and never kept."""

    def issue(self, partner: Partner) -> IssuedKey:
        """A new usage plan with the partner's quota, bound to the API's stage, and a new key on it."""
        ...

    def rotate(self, partner: Partner) -> IssuedKey:
        """A new key on the partner's existing usage plan; the caller then revokes the old key."""
        ...

    def revoke(self, key_id: str, usage_plan_id: str | None) -> None:
        """The key stops working at once (disabled, detached, deleted). Revoking a gone key is a no-op."""
        ...

    def discard(self, issued: IssuedKey) -> None:
        """Undo `issue` (key and plan) when the partner could not be stored."""
        ...

    def usage(self, partner: Partner, first_day: date, last_day: date) -> KeyUsage:
        """Requests per UTC day on the partner's plan; `available=False` where the gateway does not report it."""
        ...
