"""Targets and how KPIs stand against them: `targets` (which target applies), `status` (attainment, status, pace),
`scorecard`, `matrix` (goals over KPIs), `smart` (SMART checks), `suggest` (target suggestions) and `writer`.

The layers inside are in docs/architecture.md; forecasts are `kpilot.forecast`, below this package."""
