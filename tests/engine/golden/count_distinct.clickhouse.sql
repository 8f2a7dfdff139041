SELECT
  "t7"."period" AS "period",
  "t7"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t6"."period" AS "period",
    COALESCE("t5"."orders__customers", 0) AS "orders__customers"
  FROM (
    SELECT
      CAST("t2"."period" AS Nullable(DATE)) AS "period"
    FROM (
      SELECT
        arrayJoin(
          arrayMap(
            offset -> DATE_ADD(DAY, offset, parseDateTimeBestEffort('2024-12-30T00:00:00')),
            range(
              0,
              TIMESTAMPDIFF(
                'day',
                parseDateTimeBestEffort('2024-12-30T00:00:00'),
                parseDateTimeBestEffort('2025-12-29T00:00:00') + INTERVAL '7' DAY
              ),
              7
            )
          )
        ) AS "period"
    ) AS "t2"
  ) AS "t6"
  LEFT OUTER JOIN (
    SELECT
      dateTrunc('WEEK', "t1"."ordered_at") AS "period",
      uniq("t1"."customer_id") AS "orders__customers"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."ordered_at" <= toDate('2025-12-31')
        AND "t0"."ordered_at" >= toDate('2024-12-30')
        AND (
          (
            "t0"."ordered_at" < toDate('2024-12-30')
          )
          OR (
            "t0"."ordered_at" >= toDate('2025-01-01')
          )
        )
    ) AS "t1"
    GROUP BY
      dateTrunc('WEEK', "t1"."ordered_at")
  ) AS "t5"
    ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t7"
WHERE
  "t7"."period" >= toDate('2024-12-30')
ORDER BY
  "t7"."period" ASC
