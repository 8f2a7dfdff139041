"""A deterministic demo company (Brightloop) whose tables follow the standard data model."""

from kpilot.demo.generator import build_tables, demo_range, generate

__all__ = ["build_tables", "demo_range", "generate"]
