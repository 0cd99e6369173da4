"""Outgoing webhooks: a company's endpoints, the outbox of events, and their signed, retried deliveries (issue 16)."""
