SELECT
  *
FROM (
  SELECT
    "t7"."period",
    SUM("t7"."orders__revenue") OVER (
      PARTITION BY "t7"."_kpilot_to_date_month"
      ORDER BY "t7"."period" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS "revenue_mtd"
  FROM (
    SELECT
      "t6"."period",
      "t6"."orders__revenue",
      DATE_TRUNC('MONTH', "t6"."period") AS "_kpilot_to_date_month"
    FROM (
      SELECT
        "t3"."period",
        COALESCE(CAST("t5"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue"
      FROM (
        SELECT
          CAST(UNNEST(
            RANGE(
              MAKE_TIMESTAMP(2025, 1, 1, 0, 0, 0.0),
              MAKE_TIMESTAMP(2025, 12, 31, 0, 0, 0.0) + INTERVAL '1' DAY,
              INTERVAL '1' DAY
            )
          ) AS DATE) AS "period"
      ) AS "t3"
      LEFT OUTER JOIN (
        SELECT
          "t1"."ordered_at" AS "period",
          SUM("t1"."amount") FILTER(WHERE
            "t1"."status" = 'paid') AS "orders__revenue"
        FROM (
          SELECT
            *
          FROM "orders" AS "t0"
          WHERE
            "t0"."ordered_at" <= MAKE_DATE(2025, 12, 31)
            AND "t0"."ordered_at" >= MAKE_DATE(2025, 1, 1)
        ) AS "t1"
        GROUP BY
          1
      ) AS "t5"
        ON "t3"."period" IS NOT DISTINCT FROM "t5"."period"
    ) AS "t6"
  ) AS "t7"
) AS "t8"
WHERE
  "t8"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t8"."period" ASC
