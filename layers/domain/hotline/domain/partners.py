"""Partner systems that submit tickets with an API key (one usage plan each)."""

from pydantic import BaseModel, Field

from hotline.domain.tickets import Actor


def partner_actor(partner_id: str) -> Actor:
    return Actor(role="partner", id=partner_id)


class Partner(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    name: str
    contact_email: str | None = None
    api_key_id: str | None = Field(default=None, description="API Gateway's id of the partner's key.")
    usage_plan_id: str | None = None
    active: bool = True

    @property
    def actor(self) -> Actor:
        return partner_actor(self.id)
