"""Signed webhooks to partners: endpoints, deliveries and their log."""
