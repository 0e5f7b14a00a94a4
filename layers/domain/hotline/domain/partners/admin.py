"""Partner administration (admin role): partners, their API keys and usage plans, and what they use.

A partner gets one usage plan (its quota and throttle) and one live API key at a time. The key's value
is returned exactly once — on create and on rotate — and is never stored or logged. Rotating puts a
new key on the same plan and revokes the old one; revoking stops the current key at once (the partner
record turns inactive first, so the API refuses the key even before API Gateway forgets it). Rotating
a revoked partner issues a new key and reinstates it.

Rotations and revocations of one partner run one at a time under a lease on the partner (a conditional
write): each reads the partner as the previous one left it, so the old key it revokes is the one the
record named and the key it returns is the only one left working. A change that cannot get the lease
within a few seconds is refused with 409 `rotation_in_progress` before it issues anything.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hotline.domain.base.clock import Clock
from hotline.domain.base.errors import Conflict, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.partners.partner import IssuedKey, KeyUsage, Partner, Quota, api_key_hash
from hotline.domain.partners.ports import PartnerDirectory, PartnerKeys
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember

DEFAULT_USAGE_DAYS = 7
MAX_USAGE_DAYS = 90


@dataclass(frozen=True)
class KeyedPartner:
    partner: Partner
    api_key: str
    """The key's value: shown to the admin now, never again."""

    def __repr__(self) -> str:  # keep the value out of any log line or traceback
        return f"KeyedPartner(partner={self.partner.id!r}, api_key=<hidden>)"


@dataclass(frozen=True)
class PartnerStanding:
    partner: Partner
    usage: KeyUsage


@dataclass
class PartnerAdmin:
    partners: PartnerDirectory
    keys: PartnerKeys
    clock: Clock

    def create(
        self, by: StaffMember, partner_id: str, name: str, contact_email: str | None, quota: Quota
    ) -> KeyedPartner:
        _require_admin(by)
        if self.partners.get(partner_id) is not None:
            raise _exists(partner_id)
        now = self.clock.now()
        partner = Partner(id=partner_id, name=name, contact_email=contact_email, quota=quota, created_at=now)
        issued = self.keys.issue(partner)
        stored = _with_key(partner, issued, now)
        try:
            self.partners.add(stored)
        except BaseException:
            self.keys.discard(issued)  # lost a race for the id, or the table failed: leave nothing behind
            raise
        return KeyedPartner(stored, issued.value)

    def rotate(self, by: StaffMember, partner_id: str) -> KeyedPartner:
        """A new key on the partner's plan; the old key stops working before this returns."""
        _require_admin(by)
        with self._leased(partner_id) as (partner, lease):
            issued = self.keys.rotate(partner)
            updated = _with_key(partner, issued, self.clock.now()).model_copy(
                update={"active": True, "revoked_at": None}
            )
            try:
                self.partners.save(updated, lease=lease)
            except BaseException:
                self.keys.revoke(issued.key_id, issued.usage_plan_id)
                raise
            # The record now names the new key, so the API already refuses the old one; now the gateway does too.
            if partner.api_key_id is not None and partner.api_key_id != issued.key_id:
                self.keys.revoke(partner.api_key_id, partner.usage_plan_id)
        return KeyedPartner(updated, issued.value)

    def revoke(self, by: StaffMember, partner_id: str) -> Partner:
        """The partner's key stops working at once; repeating it is harmless. Rotate to reinstate."""
        _require_admin(by)
        with self._leased(partner_id) as (partner, lease):
            revoked = partner.model_copy(
                update={"active": False, "api_key_hash": None, "revoked_at": partner.revoked_at or self.clock.now()}
            )
            if partner.active:
                self.partners.save(revoked, lease=lease)
            if partner.api_key_id is not None:
                self.keys.revoke(partner.api_key_id, partner.usage_plan_id)
        return revoked

    def get(self, by: StaffMember, partner_id: str, days: int = DEFAULT_USAGE_DAYS) -> PartnerStanding:
        _require_admin(by)
        return self._standing(self._get(partner_id), days)

    def list(self, by: StaffMember, page: PageRequest, days: int = DEFAULT_USAGE_DAYS) -> Page[PartnerStanding]:
        _require_admin(by)
        partners = self.partners.list(page)
        return Page[PartnerStanding](items=[self._standing(p, days) for p in partners.items], next=partners.next)

    def _standing(self, partner: Partner, days: int) -> PartnerStanding:
        days = max(1, min(days, MAX_USAGE_DAYS))
        last = self.clock.now().astimezone(UTC).date()  # API Gateway counts usage per UTC day
        return PartnerStanding(partner, self.keys.usage(partner, last - timedelta(days=days - 1), last))

    def _get(self, partner_id: str, *, consistent: bool = False) -> Partner:
        partner = self.partners.get(partner_id, consistent=consistent)
        if partner is None:
            raise NotFound(f"no partner {partner_id!r}")
        return partner

    @contextmanager
    def _leased(self, partner_id: str) -> Iterator[tuple[Partner, str]]:
        """The partner as the previous key change left it (a consistent read), while this change holds its lease."""
        lease = self.partners.lease(partner_id)
        try:
            yield self._get(partner_id, consistent=True), lease
        finally:
            self.partners.release(partner_id, lease)


def _require_admin(by: StaffMember) -> None:
    by.require_any(ADMIN_ROLES, "administering partners")


def _exists(partner_id: str) -> Conflict:
    return Conflict(f"a partner with id {partner_id!r} already exists", code="partner_exists")


def _with_key(partner: Partner, issued: IssuedKey, at: datetime) -> Partner:
    """The partner pointing at a newly issued key (its id, plan and value's hash; never the value)."""
    return partner.model_copy(
        update={
            "api_key_id": issued.key_id,
            "api_key_hash": api_key_hash(issued.value),
            "usage_plan_id": issued.usage_plan_id,
            "key_issued_at": at,
        }
    )
