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
      "t1"."day" <= FROM_ISO8601_DATE('2025-12-31')
      AND "t1"."day" >= FROM_ISO8601_DATE('2025-01-01')
  ) AS "t3"
  GROUP BY
    1,
    2
), "t6" AS (
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
      "t0"."ordered_at" <= FROM_ISO8601_DATE('2025-12-31')
      AND "t0"."ordered_at" >= FROM_ISO8601_DATE('2025-01-01')
  ) AS "t2"
  GROUP BY
    1,
    2
)
SELECT
  "t18"."period",
  "t18"."channel",
  CAST("t18"."orders__revenue" AS DOUBLE) / NULLIF("t18"."ads__cost", 0) AS "roas"
FROM (
  SELECT
    "t11"."period",
    "t17"."channel",
    COALESCE(CAST("t12"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue",
    COALESCE("t10"."ads__cost", 0) AS "ads__cost"
  FROM (
    SELECT
      CAST("t4"."period" AS DATE) AS "period"
    FROM (
      SELECT
        IF(_u.pos = _u_2.pos_2, _u_2."period") AS "period"
      FROM UNNEST(SEQUENCE(
        1,
        GREATEST(
          CARDINALITY(
            IF(
              NULLIF(INTERVAL '1' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '1' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '1' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '1' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
              ),
              ARRAY[]
            )
          )
        )
      )) AS _u(pos)
      CROSS JOIN UNNEST(IF(
        NULLIF(INTERVAL '1' MONTH, PARSE_DURATION('0s')) IS NOT NULL
        AND CASE
          WHEN INTERVAL '1' MONTH = PARSE_DURATION('0s')
          THEN 0
          WHEN INTERVAL '1' MONTH < PARSE_DURATION('0s')
          THEN -1
          WHEN INTERVAL '1' MONTH > PARSE_DURATION('0s')
          THEN 1
        END = CASE
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) = PARSE_DURATION('0s')
          THEN 0
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) < PARSE_DURATION('0s')
          THEN -1
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) > PARSE_DURATION('0s')
          THEN 1
        END,
        ARRAY_REMOVE(
          SEQUENCE(
            CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
            CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
            INTERVAL '1' MONTH
          ),
          CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
        ),
        ARRAY[]
      )) WITH ORDINALITY AS _u_2("period", pos_2)
      WHERE
        _u.pos = _u_2.pos_2
        OR (
          _u.pos > CARDINALITY(
            IF(
              NULLIF(INTERVAL '1' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '1' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '1' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '1' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
              ),
              ARRAY[]
            )
          )
          AND _u_2.pos_2 = CARDINALITY(
            IF(
              NULLIF(INTERVAL '1' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '1' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '1' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '1' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
              ),
              ARRAY[]
            )
          )
        )
    ) AS "t4"
  ) AS "t11"
  CROSS JOIN (
    SELECT DISTINCT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t9"."channel"
        FROM "t6" AS "t9"
      ) AS "t14"
      UNION
      SELECT
        *
      FROM (
        SELECT
          "t7"."channel"
        FROM "t5" AS "t7"
      ) AS "t13"
    ) AS "t15"
  ) AS "t17"
  LEFT OUTER JOIN "t6" AS "t12"
    ON "t11"."period" IS NOT DISTINCT FROM "t12"."period"
    AND "t17"."channel" IS NOT DISTINCT FROM "t12"."channel"
  LEFT OUTER JOIN "t5" AS "t10"
    ON "t11"."period" IS NOT DISTINCT FROM "t10"."period"
    AND "t17"."channel" IS NOT DISTINCT FROM "t10"."channel"
) AS "t18"
WHERE
  "t18"."period" >= FROM_ISO8601_DATE('2025-01-01')
ORDER BY
  "t18"."period" ASC,
  "t18"."channel" ASC
