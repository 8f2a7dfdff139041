WITH "_kpilot_source_orders" AS (
  SELECT
    DATE_TRUNC('QUARTER', "t1"."ordered_at" - INTERVAL '3 MONTH') + INTERVAL '3 MONTH' AS "period",
    SUM("t1"."amount") FILTER(WHERE
      "t1"."status" = 'paid') AS "orders__revenue",
    COUNT(*) FILTER(WHERE
      "t1"."status" = 'paid') AS "orders__orders",
    COUNT(DISTINCT "t1"."customer_id") AS "orders__customers"
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
), "_kpilot_rows" AS (
  SELECT
    CAST("t0"."period" AS DATE) AS "period"
  FROM (
    SELECT
      UNNEST(
        CASE
          WHEN NULLIF(INTERVAL '3 MONTH', MAKE_INTERVAL()) IS NOT NULL
          AND CASE
            WHEN INTERVAL '3 MONTH' = MAKE_INTERVAL()
            THEN 0
            WHEN INTERVAL '3 MONTH' < MAKE_INTERVAL()
            THEN -1
            WHEN INTERVAL '3 MONTH' > MAKE_INTERVAL()
            THEN 1
            ELSE NULL
          END = CASE
            WHEN (
              (
                CAST('2025-10-01T00:00:00' AS TIMESTAMP) + INTERVAL '3 MONTH'
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            ) = MAKE_INTERVAL()
            THEN 0
            WHEN (
              (
                CAST('2025-10-01T00:00:00' AS TIMESTAMP) + INTERVAL '3 MONTH'
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            ) < MAKE_INTERVAL()
            THEN -1
            WHEN (
              (
                CAST('2025-10-01T00:00:00' AS TIMESTAMP) + INTERVAL '3 MONTH'
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            ) > MAKE_INTERVAL()
            THEN 1
            ELSE NULL
          END
          THEN ARRAY_REMOVE(
            ARRAY(SELECT
              *
            FROM GENERATE_SERIES(
              CAST('2025-01-01T00:00:00' AS TIMESTAMP),
              CAST('2025-10-01T00:00:00' AS TIMESTAMP) + INTERVAL '3 MONTH',
              INTERVAL '3 MONTH'
            )),
            CAST('2025-10-01T00:00:00' AS TIMESTAMP) + INTERVAL '3 MONTH'
          )
          ELSE CAST(ARRAY[] AS TIMESTAMP[])
        END
      ) AS "period"
  ) AS "t0"
), "_kpilot_frame" AS (
  SELECT
    "r"."period",
    COALESCE(CAST("s0"."orders__revenue" AS DOUBLE PRECISION), 0) AS "orders__revenue",
    COALESCE("s0"."orders__orders", 0) AS "orders__orders",
    COALESCE("s0"."orders__customers", 0) AS "orders__customers"
  FROM "_kpilot_rows" AS "r"
  LEFT JOIN "_kpilot_source_orders" AS "s0"
    ON "r"."period" IS NOT DISTINCT FROM "s0"."period"
)
SELECT
  "t0"."period",
  CAST("t0"."orders__revenue" AS DOUBLE PRECISION) / NULLIF(CAST("t0"."orders__orders" AS DOUBLE PRECISION), 0) AS "aov",
  "t0"."orders__customers" AS "customer_count"
FROM "_kpilot_frame" AS "t0"
WHERE
  "t0"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t0"."period" ASC
