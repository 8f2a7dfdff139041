"""What the Python API's result methods return and the command line's `--format json` prints: one typed, frozen
result per command, built in one place for both, with a `to_data(language)` that is exactly the command's JSON.

- `scorecard`: `ScorecardResult` (`kpilot scorecard`)
- `forecast`: `ForecastResult` (`kpilot forecast`)
- `targets`: `SuggestionResult` (`kpilot targets suggest`)
- `check`: `CheckResult` (`kpilot check`)
- `matrix`: `MatrixResult` (`kpilot matrix`)

A layer above goals and forecast, below the surfaces (cli, kpilot.api): docs/python.md shows them in use. This
package imports none of them itself, so that `results.data` (which every JSON output uses) loads no goals code.
"""
