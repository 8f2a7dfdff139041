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
      "t1"."day" <= DATE_FROM_PARTS(2025, 12, 31)
      AND "t1"."day" >= DATE_FROM_PARTS(2025, 1, 1)
  ) AS "t3"
  GROUP BY
    1,
    2
), "t6" AS (
  SELECT
    DATE_TRUNC('MONTH', "t2"."ordered_at") AS "period",
    "t2"."channel",
    SUM(IFF("t2"."status" = 'paid', "t2"."amount", NULL)) AS "orders__revenue"
  FROM (
    SELECT
      *
    FROM "orders" AS "t0"
    WHERE
      "t0"."ordered_at" <= DATE_FROM_PARTS(2025, 12, 31)
      AND "t0"."ordered_at" >= DATE_FROM_PARTS(2025, 1, 1)
  ) AS "t2"
  GROUP BY
    1,
    2
)
SELECT
  "t18"."period",
  "t18"."channel",
  "t18"."orders__revenue" / NULLIF("t18"."ads__cost", 0) AS "roas"
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
        CAST(NULLIF(IFF(_u.pos = _u_2.pos_2, _u_2."period", NULL), '') AS TIMESTAMP) AS "period"
      FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
        0,
        (
          GREATEST(
            ARRAY_SIZE(
              SPLIT(
                ARRAY_TO_STRING(
                  NULLIF(
                    (
                      SELECT
                        ARRAY_AGG(
                          REPLACE(
                            TO_CHAR(
                              DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0)),
                              'YYYY-MM-DD"T"HH24:MI:SS.FF6'
                            ),
                            'Z',
                            '+00:00'
                          )
                        )
                      FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
                        0,
                        (
                          DATEDIFF(
                            MONTH,
                            TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0),
                            DATEADD(MONTH, '1', TIMESTAMP_FROM_PARTS(2025, 12, 1, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        1
                      ))) AS _t0(seq, key, path, index, value, this)
                    ),
                    []
                  ),
                  'generated'
                ),
                'generated'
              )
            )
          ) - 1
        ) + 1
      ))) AS _u(seq, key, path, index, pos, this)
      CROSS JOIN TABLE(FLATTEN(INPUT => SPLIT(
        ARRAY_TO_STRING(
          NULLIF(
            (
              SELECT
                ARRAY_AGG(
                  REPLACE(
                    TO_CHAR(
                      DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0)),
                      'YYYY-MM-DD"T"HH24:MI:SS.FF6'
                    ),
                    'Z',
                    '+00:00'
                  )
                )
              FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
                0,
                (
                  DATEDIFF(
                    MONTH,
                    TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0),
                    DATEADD(MONTH, '1', TIMESTAMP_FROM_PARTS(2025, 12, 1, 0, 0, 0, 0))
                  ) - 1
                ) + 1,
                1
              ))) AS _t1(seq, key, path, index, value, this)
            ),
            []
          ),
          'generated'
        ),
        'generated'
      ))) AS _u_2(seq, key, path, pos_2, "period", this)
      WHERE
        _u.pos = _u_2.pos_2
        OR (
          _u.pos > (
            ARRAY_SIZE(
              SPLIT(
                ARRAY_TO_STRING(
                  NULLIF(
                    (
                      SELECT
                        ARRAY_AGG(
                          REPLACE(
                            TO_CHAR(
                              DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0)),
                              'YYYY-MM-DD"T"HH24:MI:SS.FF6'
                            ),
                            'Z',
                            '+00:00'
                          )
                        )
                      FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
                        0,
                        (
                          DATEDIFF(
                            MONTH,
                            TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0),
                            DATEADD(MONTH, '1', TIMESTAMP_FROM_PARTS(2025, 12, 1, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        1
                      ))) AS _t2(seq, key, path, index, value, this)
                    ),
                    []
                  ),
                  'generated'
                ),
                'generated'
              )
            ) - 1
          )
          AND _u_2.pos_2 = (
            ARRAY_SIZE(
              SPLIT(
                ARRAY_TO_STRING(
                  NULLIF(
                    (
                      SELECT
                        ARRAY_AGG(
                          REPLACE(
                            TO_CHAR(
                              DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0)),
                              'YYYY-MM-DD"T"HH24:MI:SS.FF6'
                            ),
                            'Z',
                            '+00:00'
                          )
                        )
                      FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(
                        0,
                        (
                          DATEDIFF(
                            MONTH,
                            TIMESTAMP_FROM_PARTS(2025, 1, 1, 0, 0, 0, 0),
                            DATEADD(MONTH, '1', TIMESTAMP_FROM_PARTS(2025, 12, 1, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        1
                      ))) AS _t3(seq, key, path, index, value, this)
                    ),
                    []
                  ),
                  'generated'
                ),
                'generated'
              )
            ) - 1
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
  "t18"."period" >= DATE_FROM_PARTS(2025, 1, 1)
ORDER BY
  "t18"."period" ASC,
  "t18"."channel" ASC
