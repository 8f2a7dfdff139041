WITH "_kpilot_source_orders" AS (
  SELECT
    DATE_TRUNC('MONTH', "t1"."ordered_at") AS "period",
    "t1"."channel",
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
    1,
    2
), "_kpilot_source_ads" AS (
  SELECT
    DATE_TRUNC('MONTH', "t1"."day") AS "period",
    "t1"."channel",
    SUM("t1"."cost") AS "ads__cost"
  FROM (
    SELECT
      *
    FROM "ads" AS "t0"
    WHERE
      "t0"."day" <= MAKE_DATE(2025, 12, 31) AND "t0"."day" >= MAKE_DATE(2025, 1, 1)
  ) AS "t1"
  GROUP BY
    1,
    2
), "_kpilot_rows" AS (
  SELECT
    "t9"."period",
    "t7"."channel"
  FROM (
    SELECT
      CAST("t5"."period" AS DATE) AS "period"
    FROM (
      SELECT
        UNNEST(
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
        ) AS "period"
    ) AS "t5"
  ) AS "t9"
  CROSS JOIN (
    SELECT DISTINCT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t0"."channel"
        FROM "_kpilot_source_orders" AS "t0"
      ) AS "t2"
      UNION
      SELECT
        *
      FROM (
        SELECT
          "t1"."channel"
        FROM "_kpilot_source_ads" AS "t1"
      ) AS "t3"
    ) AS "t4"
  ) AS "t7"
), "_kpilot_frame" AS (
  SELECT
    "r"."period",
    "r"."channel",
    COALESCE(CAST("s0"."orders__revenue" AS DOUBLE PRECISION), 0) AS "orders__revenue",
    COALESCE("s1"."ads__cost", 0) AS "ads__cost"
  FROM "_kpilot_rows" AS "r"
  LEFT JOIN "_kpilot_source_orders" AS "s0"
    ON "r"."period" IS NOT DISTINCT FROM "s0"."period"
    AND "r"."channel" IS NOT DISTINCT FROM "s0"."channel"
  LEFT JOIN "_kpilot_source_ads" AS "s1"
    ON "r"."period" IS NOT DISTINCT FROM "s1"."period"
    AND "r"."channel" IS NOT DISTINCT FROM "s1"."channel"
)
SELECT
  "t0"."period",
  "t0"."channel",
  CAST("t0"."orders__revenue" AS DOUBLE PRECISION) / NULLIF("t0"."ads__cost", 0) AS "roas"
FROM "_kpilot_frame" AS "t0"
WHERE
  "t0"."period" >= MAKE_DATE(2025, 1, 1)
ORDER BY
  "t0"."period" ASC,
  "t0"."channel" ASC
