"""Analysis (docs/analysis.md): what moved a KPI, member by member. Pure domain code: it works on numbers already
computed by the engine and returns values and codes, never words."""
