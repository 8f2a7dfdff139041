"""Alerts' pure domain: rule states and their notices, delivery policy and idempotency keys (no I/O: services
evaluate rules and store states and deliveries)."""
