SELECT
  "t7"."period",
  "t7"."orders__customers" AS "customer_count"
FROM (
  SELECT
    "t6"."period",
    COALESCE("t5"."orders__customers", 0) AS "orders__customers"
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
              NULLIF(INTERVAL '7' DAY, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '7' DAY = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '7' DAY < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '7' DAY > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY AS TIMESTAMP),
                  INTERVAL '7' DAY
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
              ),
              ARRAY[]
            )
          )
        )
      )) AS _u(pos)
      CROSS JOIN UNNEST(IF(
        NULLIF(INTERVAL '7' DAY, PARSE_DURATION('0s')) IS NOT NULL
        AND CASE
          WHEN INTERVAL '7' DAY = PARSE_DURATION('0s')
          THEN 0
          WHEN INTERVAL '7' DAY < PARSE_DURATION('0s')
          THEN -1
          WHEN INTERVAL '7' DAY > PARSE_DURATION('0s')
          THEN 1
        END = CASE
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
            ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
          ) = PARSE_DURATION('0s')
          THEN 0
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
            ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
          ) < PARSE_DURATION('0s')
          THEN -1
          WHEN (
            (
              CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
            ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
          ) > PARSE_DURATION('0s')
          THEN 1
        END,
        ARRAY_REMOVE(
          SEQUENCE(
            CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP),
            CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY AS TIMESTAMP),
            INTERVAL '7' DAY
          ),
          CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
        ),
        ARRAY[]
      )) WITH ORDINALITY AS _u_2("period", pos_2)
      WHERE
        _u.pos = _u_2.pos_2
        OR (
          _u.pos > CARDINALITY(
            IF(
              NULLIF(INTERVAL '7' DAY, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '7' DAY = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '7' DAY < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '7' DAY > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY AS TIMESTAMP),
                  INTERVAL '7' DAY
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
              ),
              ARRAY[]
            )
          )
          AND _u_2.pos_2 = CARDINALITY(
            IF(
              NULLIF(INTERVAL '7' DAY, PARSE_DURATION('0s')) IS NOT NULL
              AND CASE
                WHEN INTERVAL '7' DAY = PARSE_DURATION('0s')
                THEN 0
                WHEN INTERVAL '7' DAY < PARSE_DURATION('0s')
                THEN -1
                WHEN INTERVAL '7' DAY > PARSE_DURATION('0s')
                THEN 1
              END = CASE
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) = PARSE_DURATION('0s')
                THEN 0
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) < PARSE_DURATION('0s')
                THEN -1
                WHEN (
                  (
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
                  ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP)
                ) > PARSE_DURATION('0s')
                THEN 1
              END,
              ARRAY_REMOVE(
                SEQUENCE(
                  CAST(FROM_ISO8601_TIMESTAMP('2024-12-30T00:00:00') AS TIMESTAMP),
                  CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY AS TIMESTAMP),
                  INTERVAL '7' DAY
                ),
                CAST(FROM_ISO8601_TIMESTAMP('2025-12-29T00:00:00') AS TIMESTAMP) + INTERVAL '7' DAY
              ),
              ARRAY[]
            )
          )
        )
    ) AS "t2"
  ) AS "t6"
  LEFT OUTER JOIN (
    SELECT
      DATE_TRUNC('WEEK', "t1"."ordered_at") AS "period",
      COUNT(DISTINCT "t1"."customer_id") AS "orders__customers"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."ordered_at" <= FROM_ISO8601_DATE('2025-12-31')
        AND "t0"."ordered_at" >= FROM_ISO8601_DATE('2024-12-30')
        AND (
          (
            "t0"."ordered_at" < FROM_ISO8601_DATE('2024-12-30')
          )
          OR (
            "t0"."ordered_at" >= FROM_ISO8601_DATE('2025-01-01')
          )
        )
    ) AS "t1"
    GROUP BY
      1
  ) AS "t5"
    ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t7"
WHERE
  "t7"."period" >= FROM_ISO8601_DATE('2024-12-30')
ORDER BY
  "t7"."period" ASC
