SELECT
  "t7"."period" AS "period",
  "t7"."orders__revenue" / nullIf(CAST("t7"."orders__orders" AS Nullable(Float64)), 0) AS "aov",
  "t7"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t5"."period" AS "period",
    COALESCE(CAST("t6"."orders__revenue" AS Nullable(Float64)), 0) AS "orders__revenue",
    COALESCE("t6"."orders__orders", 0) AS "orders__orders",
    COALESCE("t6"."orders__customers", 0) AS "orders__customers"
  FROM (
    SELECT
      CAST("t2"."period" AS Nullable(DATE)) AS "period"
    FROM (
      SELECT
        arrayJoin(
          arrayMap(
            offset -> DATE_ADD(MONTH, offset, parseDateTimeBestEffort('2025-01-01T00:00:00')),
            range(
              0,
              TIMESTAMPDIFF(
                'month',
                parseDateTimeBestEffort('2025-01-01T00:00:00'),
                parseDateTimeBestEffort('2025-10-01T00:00:00') + INTERVAL '3' MONTH
              ),
              3
            )
          )
        ) AS "period"
    ) AS "t2"
  ) AS "t5"
  LEFT OUTER JOIN (
    SELECT
      dateTrunc('QUARTER', "t1"."ordered_at" - INTERVAL '3' MONTH) + INTERVAL '3' MONTH AS "period",
      sumIf("t1"."amount", "t1"."status" = 'paid') AS "orders__revenue",
      countIf("t1"."status" = 'paid') AS "orders__orders",
      uniq("t1"."customer_id") AS "orders__customers"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."ordered_at" <= toDate('2025-12-31')
        AND "t0"."ordered_at" >= toDate('2025-01-01')
    ) AS "t1"
    GROUP BY
      dateTrunc('QUARTER', "t1"."ordered_at" - INTERVAL '3' MONTH) + INTERVAL '3' MONTH
  ) AS "t6"
    ON "t5"."period" IS NOT DISTINCT FROM "t6"."period"
) AS "t7"
WHERE
  "t7"."period" >= toDate('2025-01-01')
ORDER BY
  "t7"."period" ASC
