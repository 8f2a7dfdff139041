SELECT
  "t6"."period",
  "t6"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t3"."period",
    COALESCE("t5"."orders__customers", 0) AS "orders__customers"
  FROM (
    SELECT
      CAST(UNNEST(
        RANGE(
          MAKE_TIMESTAMP(2024, 12, 30, 0, 0, 0.0),
          MAKE_TIMESTAMP(2025, 12, 29, 0, 0, 0.0) + INTERVAL '7' DAY,
          INTERVAL '7' DAY
        )
      ) AS DATE) AS "period"
  ) AS "t3"
  LEFT OUTER JOIN (
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
  ) AS "t5"
    ON "t3"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t6"
WHERE
  "t6"."period" >= MAKE_DATE(2024, 12, 30)
ORDER BY
  "t6"."period" ASC
