"""The motivation system's pure domain: payout curves, gates, money, proration and the ledger's rules (no I/O:
services pass in the attainments, memberships and ledger lines and store what comes back)."""
