SELECT
  "t7"."period" AS "period",
  "t7"."orders__revenue" / nullIf(CAST("t7"."orders__orders" AS Nullable(Float64)), 0) AS "aov"
FROM (
  SELECT
    "t6"."period" AS "period",
    COALESCE(CAST("t5"."orders__revenue" AS Nullable(Float64)), 0) AS "orders__revenue",
    COALESCE("t5"."orders__orders", 0) AS "orders__orders"
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
                parseDateTimeBestEffort('2025-12-01T00:00:00') + INTERVAL '1' MONTH
              ),
              1
            )
          )
        ) AS "period"
    ) AS "t2"
  ) AS "t6"
  LEFT OUTER JOIN (
    SELECT
      dateTrunc('MONTH', "t1"."ordered_at") AS "period",
      sumIf("t1"."amount", "t1"."status" = 'paid') AS "orders__revenue",
      countIf("t1"."status" = 'paid') AS "orders__orders"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."channel" = 'email'
        AND "t0"."ordered_at" <= toDate('2025-12-31')
        AND "t0"."ordered_at" >= toDate('2025-01-01')
    ) AS "t1"
    GROUP BY
      dateTrunc('MONTH', "t1"."ordered_at")
  ) AS "t5"
    ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t7"
WHERE
  "t7"."period" >= toDate('2025-01-01')
ORDER BY
  "t7"."period" ASC
