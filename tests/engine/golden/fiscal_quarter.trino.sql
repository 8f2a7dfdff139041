SELECT
  "t7"."period",
  CAST("t7"."orders__revenue" AS DOUBLE) / NULLIF(CAST("t7"."orders__orders" AS DOUBLE), 0) AS "aov",
  "t7"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t5"."period",
    COALESCE(CAST("t6"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue",
    COALESCE("t6"."orders__orders", 0) AS "orders__orders",
    COALESCE("t6"."orders__customers", 0) AS "orders__customers"
  FROM (
    SELECT
      CAST("t2"."period" AS DATE) AS "period"
    FROM (
      SELECT
        IF(_u.pos = _u_2.pos_2, _u_2."period") AS "period"
      FROM UNNEST(SEQUENCE(
        1,
        GREATEST(
          CARDINALITY(
            IF(
              NULLIF(INTERVAL '3' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '3' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '3' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '3' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH AS TIMESTAMP),
                  INTERVAL '3' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
              ),
              ARRAY[]
            )
          )
        )
      )) AS _u(pos)
      CROSS JOIN UNNEST(IF(
        NULLIF(INTERVAL '3' MONTH, PARSE_DURATION('0s')) IS NOT NULL
        AND CASE
          WHEN INTERVAL '3' MONTH = PARSE_DURATION('0s')
          THEN 0
          WHEN INTERVAL '3' MONTH < PARSE_DURATION('0s')
          THEN -1
          WHEN INTERVAL '3' MONTH > PARSE_DURATION('0s')
          THEN 1
        END = CASE
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) = PARSE_DURATION('0s')
          THEN 0
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) < PARSE_DURATION('0s')
          THEN -1
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
            ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
          ) > PARSE_DURATION('0s')
          THEN 1
        END,
        ARRAY_REMOVE(
          SEQUENCE(
            CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
            CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH AS TIMESTAMP),
            INTERVAL '3' MONTH
          ),
          CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
        ),
        ARRAY[]
      )) WITH ORDINALITY AS _u_2("period", pos_2)
      WHERE
        _u.pos = _u_2.pos_2
        OR (
          _u.pos > CARDINALITY(
            IF(
              NULLIF(INTERVAL '3' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '3' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '3' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '3' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH AS TIMESTAMP),
                  INTERVAL '3' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
              ),
              ARRAY[]
            )
          )
          AND _u_2.pos_2 = CARDINALITY(
            IF(
              NULLIF(INTERVAL '3' MONTH, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '3' MONTH = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '3' MONTH < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '3' MONTH > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2025-01-01T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH AS TIMESTAMP),
                  INTERVAL '3' MONTH
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-10-01T00:00:00') AS TIMESTAMP) + INTERVAL '3' MONTH
              ),
              ARRAY[]
            )
          )
        )
    ) AS "t2"
  ) AS "t5"
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
        "t0"."ordered_at" <= FROM_ISO8601_DATE('2025-12-31')
        AND "t0"."ordered_at" >= FROM_ISO8601_DATE('2025-01-01')
    ) AS "t1"
    GROUP BY
      1
  ) AS "t6"
    ON "t5"."period" IS NOT DISTINCT FROM "t6"."period"
) AS "t7"
WHERE
  "t7"."period" >= FROM_ISO8601_DATE('2025-01-01')
ORDER BY
  "t7"."period" ASC
