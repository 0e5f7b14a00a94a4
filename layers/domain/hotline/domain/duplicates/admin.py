"""The rules of what counts as the same matter: any staff member reads them, admins change them."""

from dataclasses import dataclass

from hotline.domain.duplicates.ports import DuplicateRulesRepository
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.staff.roles import ADMIN_ROLES, StaffMember


@dataclass
class DuplicateRulesAdmin:
    stored: DuplicateRulesRepository

    def get(self) -> DuplicateRules:
        return self.stored.get()

    def replace(self, by: StaffMember, rules: DuplicateRules) -> DuplicateRules:
        by.require_any(ADMIN_ROLES, "changing the configuration")
        self.stored.save(rules)
        return rules
