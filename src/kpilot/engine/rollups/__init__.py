"""Rollups: daily aggregates of a source's additive measures, kept in the warehouse next to its table
(docs/performance.md, "Rollups").

- `layout`: what a rollup keeps (its columns, and how days combine into longer periods).
- `build`: the SQL that builds one from the raw rows, adds an ingest's rows to it, and merges the days it touched.
- `state`: which rollups are current (built from the data as it is now, by the definitions as they are now).
- `answer`: when a request's answer from the rollup is exactly the raw rows' answer, and that query.
- `refresh`: what an ingest does to the rollups of the table it wrote, inside its own transaction.
"""
