"""What the test tiers share: a clock that stands still, a Lambda context, sample forms, seeding and cache reset,
a partner's webhook endpoint on loopback, and waiting for what a running system does."""
