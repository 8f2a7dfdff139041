SELECT
  "t6"."period",
  "t6"."orders__revenue" / NULLIF(CAST("t6"."orders__orders" AS DOUBLE), 0) AS "aov",
  "t6"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t3"."period",
    COALESCE(CAST("t5"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue",
    COALESCE("t5"."orders__orders", 0) AS "orders__orders",
    COALESCE("t5"."orders__customers", 0) AS "orders__customers"
  FROM (
    SELECT
      CAST(UNNEST(
        RANGE(
          MAKE_TIMESTAMP(2025, 1, 1, 0, 0, 0.0),
          MAKE_TIMESTAMP(2025, 10, 1, 0, 0, 0.0) + INTERVAL '3' MONTH,
          INTERVAL '3' MONTH
        )
      ) AS DATE) AS "period"
  ) AS "t3"
  LEFT OUTER JOIN (
    SELECT
      DATE_TRUNC('QUARTER', "t1"."ordered_at" - INTERVAL '3' MONTH) + INTERVAL '3' MONTH AS "period",
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
  ) AS "t5"
    ON "t3"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t6"
WHERE
  "t6"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t6"."period" ASC
