SELECT
  *
FROM (
  SELECT
    "t8"."period",
    (
      CAST("t8"."_kpilot_arg_0" AS DOUBLE) / NULLIF(LAG("t8"."_kpilot_arg_0", 1) OVER (ORDER BY "t8"."period" ASC), 0)
    ) - 1 AS "revenue_growth"
  FROM (
    SELECT
      "t7"."period",
      "t7"."orders__revenue",
      "t7"."orders__revenue" AS "_kpilot_arg_0"
    FROM (
      SELECT
        "t6"."period",
        COALESCE(CAST("t5"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue"
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
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) = PARSE_DURATION('0s')
                    THEN 0
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) < PARSE_DURATION('0s')
                    THEN -1
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) > PARSE_DURATION('0s')
                    THEN 1
                  END,
                  ARRAY_REMOVE(
                    SEQUENCE(
                      CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP),
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
                ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
              ) = PARSE_DURATION('0s')
              THEN 0
              WHEN (
                (
                  CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
              ) < PARSE_DURATION('0s')
              THEN -1
              WHEN (
                (
                  CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
              ) > PARSE_DURATION('0s')
              THEN 1
            END,
            ARRAY_REMOVE(
              SEQUENCE(
                CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP),
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
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) = PARSE_DURATION('0s')
                    THEN 0
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) < PARSE_DURATION('0s')
                    THEN -1
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) > PARSE_DURATION('0s')
                    THEN 1
                  END,
                  ARRAY_REMOVE(
                    SEQUENCE(
                      CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP),
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
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) = PARSE_DURATION('0s')
                    THEN 0
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) < PARSE_DURATION('0s')
                    THEN -1
                    WHEN (
                      (
                        CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                      ) - CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP)
                    ) > PARSE_DURATION('0s')
                    THEN 1
                  END,
                  ARRAY_REMOVE(
                    SEQUENCE(
                      CAST(FROM_ISO8601_TIMESTAMP('2024-12-01T00:00:00') AS TIMESTAMP),
                      CAST(CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                      INTERVAL '1' MONTH
                    ),
                    CAST(FROM_ISO8601_TIMESTAMP('2025-12-01T00:00:00') AS TIMESTAMP) + INTERVAL '1' MONTH
                  ),
                  ARRAY[]
                )
              )
            )
        ) AS "t2"
      ) AS "t6"
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
            "t0"."ordered_at" <= FROM_ISO8601_DATE('2025-12-31')
            AND "t0"."ordered_at" >= FROM_ISO8601_DATE('2024-12-01')
        ) AS "t1"
        GROUP BY
          1
      ) AS "t5"
        ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
    ) AS "t7"
  ) AS "t8"
) AS "t9"
WHERE
  "t9"."period" >= FROM_ISO8601_DATE('2025-01-01')
ORDER BY
  "t9"."period" ASC
