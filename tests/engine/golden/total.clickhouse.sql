SELECT
  "t8"."orders__revenue" / nullIf(CAST("t8"."orders__orders" AS Nullable(Float64)), 0) AS "aov",
  "t8"."orders__revenue" / nullIf("t8"."ads__cost", 0) AS "roas"
FROM (
  SELECT
    COALESCE(CAST("t7"."orders__revenue" AS Nullable(Float64)), 0) AS "orders__revenue",
    COALESCE("t7"."orders__orders", 0) AS "orders__orders",
    COALESCE("t6"."ads__cost", 0) AS "ads__cost"
  FROM (
    SELECT
      sumIf("t2"."amount", "t2"."status" = 'paid') AS "orders__revenue",
      countIf("t2"."status" = 'paid') AS "orders__orders"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."ordered_at" <= toDate('2025-12-31')
        AND "t0"."ordered_at" >= toDate('2025-01-01')
    ) AS "t2"
  ) AS "t7"
  CROSS JOIN (
    SELECT
      SUM("t3"."cost") AS "ads__cost"
    FROM (
      SELECT
        *
      FROM "ads" AS "t1"
      WHERE
        "t1"."day" <= toDate('2025-12-31') AND "t1"."day" >= toDate('2025-01-01')
    ) AS "t3"
  ) AS "t6"
) AS "t8"
