WITH "t5" AS (
  SELECT
    DATE_TRUNC('MONTH', "t3"."day") AS "period",
    "t3"."channel",
    SUM("t3"."cost") AS "ads__cost"
  FROM (
    SELECT
      *
    FROM "ads" AS "t1"
    WHERE
      "t1"."day" <= MAKE_DATE(2025, 12, 31) AND "t1"."day" >= MAKE_DATE(2025, 1, 1)
  ) AS "t3"
  GROUP BY
    1,
    2
), "t7" AS (
  SELECT
    DATE_TRUNC('MONTH', "t2"."ordered_at") AS "period",
    "t2"."channel",
    SUM("t2"."amount") FILTER(WHERE
      "t2"."status" = 'paid') AS "orders__revenue"
  FROM (
    SELECT
      *
    FROM "orders" AS "t0"
    WHERE
      "t0"."ordered_at" <= MAKE_DATE(2025, 12, 31)
      AND "t0"."ordered_at" >= MAKE_DATE(2025, 1, 1)
  ) AS "t2"
  GROUP BY
    1,
    2
)
SELECT
  "t17"."period",
  "t17"."channel",
  CAST("t17"."orders__revenue" AS DOUBLE PRECISION) / NULLIF("t17"."ads__cost", 0) AS "roas"
FROM (
  SELECT
    "t6"."period",
    "t16"."channel",
    COALESCE(CAST("t11"."orders__revenue" AS DOUBLE PRECISION), 0) AS "orders__revenue",
    COALESCE("t10"."ads__cost", 0) AS "ads__cost"
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
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            ) = MAKE_INTERVAL()
            THEN 0
            WHEN (
              (
                CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            ) < MAKE_INTERVAL()
            THEN -1
            WHEN (
              (
                CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
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
              CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH',
              INTERVAL '1 MONTH'
            )),
            CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1 MONTH'
          )
          ELSE CAST(ARRAY[] AS TIMESTAMP[])
        END
      ) AS DATE) AS "period"
  ) AS "t6"
  CROSS JOIN (
    SELECT DISTINCT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t9"."channel"
        FROM "t7" AS "t9"
      ) AS "t13"
      UNION
      SELECT
        *
      FROM (
        SELECT
          "t8"."channel"
        FROM "t5" AS "t8"
      ) AS "t12"
    ) AS "t14"
  ) AS "t16"
  LEFT OUTER JOIN "t7" AS "t11"
    ON "t6"."period" IS NOT DISTINCT FROM "t11"."period"
    AND "t16"."channel" IS NOT DISTINCT FROM "t11"."channel"
  LEFT OUTER JOIN "t5" AS "t10"
    ON "t6"."period" IS NOT DISTINCT FROM "t10"."period"
    AND "t16"."channel" IS NOT DISTINCT FROM "t10"."channel"
) AS "t17"
WHERE
  "t17"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t17"."period" ASC,
  "t17"."channel" ASC
