"""The texts moto's SNS kept: what customers would have received."""

from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends


def texts_to(phone: str, region: str = "us-east-1") -> list[str]:
    """Every text sent to `phone` (E.164, as SNS is given it: +86…), oldest first."""
    return [text for to, text in sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages.values() if to == phone]
