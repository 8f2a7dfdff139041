SELECT
  *
FROM (
  SELECT
    "t8"."period" AS "period",
    SUM("t8"."orders__revenue") OVER (
      PARTITION BY "t8"."_kpilot_to_date_month"
      ORDER BY "t8"."period" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS "revenue_mtd"
  FROM (
    SELECT
      "t7"."period" AS "period",
      "t7"."orders__revenue" AS "orders__revenue",
      dateTrunc('MONTH', "t7"."period") AS "_kpilot_to_date_month"
    FROM (
      SELECT
        "t6"."period" AS "period",
        COALESCE(CAST("t5"."orders__revenue" AS Nullable(Float64)), 0) AS "orders__revenue"
      FROM (
        SELECT
          CAST("t2"."period" AS Nullable(DATE)) AS "period"
        FROM (
          SELECT
            arrayJoin(
              arrayMap(
                offset -> DATE_ADD(DAY, offset, parseDateTimeBestEffort('2025-01-01T00:00:00')),
                range(
                  0,
                  TIMESTAMPDIFF(
                    'day',
                    parseDateTimeBestEffort('2025-01-01T00:00:00'),
                    parseDateTimeBestEffort('2025-12-31T00:00:00') + INTERVAL '1' DAY
                  ),
                  1
                )
              )
            ) AS "period"
        ) AS "t2"
      ) AS "t6"
      LEFT OUTER JOIN (
        SELECT
          "t1"."ordered_at" AS "period",
          sumIf("t1"."amount", "t1"."status" = 'paid') AS "orders__revenue"
        FROM (
          SELECT
            *
          FROM "orders" AS "t0"
          WHERE
            "t0"."ordered_at" <= toDate('2025-12-31')
            AND "t0"."ordered_at" >= toDate('2025-01-01')
        ) AS "t1"
        GROUP BY
          "t1"."ordered_at"
      ) AS "t5"
        ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
    ) AS "t7"
  ) AS "t8"
) AS "t9"
WHERE
  "t9"."period" >= toDate('2025-01-01')
ORDER BY
  "t9"."period" ASC
