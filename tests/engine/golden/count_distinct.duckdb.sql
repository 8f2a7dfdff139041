WITH "_kpilot_source_orders" AS (
  SELECT
    DATE_TRUNC('WEEK', "t1"."ordered_at") AS "period",
    COUNT(DISTINCT "t1"."customer_id") AS "orders__customers"
  FROM (
    SELECT
      *
    FROM "orders" AS "t0"
    WHERE
      "t0"."ordered_at" <= MAKE_DATE(2025, 12, 31)
      AND "t0"."ordered_at" >= MAKE_DATE(2024, 12, 30)
      AND (
        (
          "t0"."ordered_at" < MAKE_DATE(2024, 12, 30)
        )
        OR (
          "t0"."ordered_at" >= MAKE_DATE(2025, 1, 1)
        )
      )
  ) AS "t1"
  GROUP BY
    1
), "_kpilot_rows" AS (
  SELECT
    CAST("t0"."period" AS DATE) AS "period"
  FROM (
    SELECT
      UNNEST(
        RANGE(
          MAKE_TIMESTAMP(2024, 12, 30, 0, 0, 0.0),
          MAKE_TIMESTAMP(2025, 12, 29, 0, 0, 0.0) + INTERVAL '7' DAY,
          INTERVAL '7' DAY
        )
      ) AS "period"
  ) AS "t0"
), "_kpilot_frame" AS (
  SELECT
    "r"."period",
    COALESCE("s0"."orders__customers", 0) AS "orders__customers"
  FROM "_kpilot_rows" AS "r"
  LEFT JOIN "_kpilot_source_orders" AS "s0"
    ON "r"."period" IS NOT DISTINCT FROM "s0"."period"
)
SELECT
  "t0"."period",
  "t0"."orders__customers" AS "customer_count"
FROM "_kpilot_frame" AS "t0"
WHERE
  "t0"."period" >= MAKE_DATE(2024, 12, 30)
ORDER BY
  "t0"."period" ASC
