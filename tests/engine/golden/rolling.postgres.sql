SELECT
  *
FROM (
  SELECT
    "t6"."period",
    SUM("t6"."orders__revenue") OVER (ORDER BY "t6"."period" ASC ROWS BETWEEN 2 preceding AND CURRENT ROW) AS "revenue_3m"
  FROM (
    SELECT
      "t3"."period",
      COALESCE(CAST("t5"."orders__revenue" AS DOUBLE PRECISION), 0) AS "orders__revenue"
    FROM (
      SELECT
        CAST(UNNEST(
          CASE
            WHEN NULLIF(INTERVAL '1 MONTH', MAKE_INTERVAL()) IS NOT NULL
            AND CASE
              WHEN INTERVAL '1 MONTH' = MAKE_INTERVAL()
              THEN 0
              WHEN INTERVAL '1 MONTH' < MAKE_INTERVAL()
              THEN -1
              WHEN INTERVAL '1 MONTH' > MAKE_INTERVAL()
              THEN 1
              ELSE NULL
            END = CASE
              WHEN (
                (
                  CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
                ) - CAST('2024-11-01T00:00:00' AS TIMESTAMP)
              ) = MAKE_INTERVAL()
              THEN 0
              WHEN (
                (
                  CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
                ) - CAST('2024-11-01T00:00:00' AS TIMESTAMP)
              ) < MAKE_INTERVAL()
              THEN -1
              WHEN (
                (
                  CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
                ) - CAST('2024-11-01T00:00:00' AS TIMESTAMP)
              ) > MAKE_INTERVAL()
              THEN 1
              ELSE NULL
            END
            THEN ARRAY_REMOVE(
              ARRAY(SELECT
                *
              FROM GENERATE_SERIES(
                CAST('2024-11-01T00:00:00' AS TIMESTAMP),
                CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH',
                INTERVAL '1 MONTH'
              )),
              CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
            )
            ELSE CAST(ARRAY[] AS TIMESTAMP[])
          END
        ) AS DATE) AS "period"
    ) AS "t3"
    LEFT OUTER JOIN (
      SELECT
        DATE_TRUNC('MONTH', "t1"."ordered_at") AS "period",
        SUM("t1"."amount") FILTER(WHERE
          "t1"."status" = 'paid') AS "orders__revenue"
      FROM (
        SELECT
          *
        FROM "orders" AS "t0"
        WHERE
          "t0"."ordered_at" <= MAKE_DATE(2025, 12, 31)
          AND "t0"."ordered_at" >= MAKE_DATE(2024, 11, 1)
      ) AS "t1"
      GROUP BY
        1
    ) AS "t5"
      ON "t3"."period" IS NOT DISTINCT FROM "t5"."period"
  ) AS "t6"
) AS "t7"
WHERE
  "t7"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t7"."period" ASC
