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
                              DATEADD(DAY, value, TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0)),
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
                            DAY,
                            TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0),
                            DATEADD(DAY, '7', TIMESTAMP_FROM_PARTS(2025, 12, 29, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        7
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
                      DATEADD(DAY, value, TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0)),
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
                    DAY,
                    TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0),
                    DATEADD(DAY, '7', TIMESTAMP_FROM_PARTS(2025, 12, 29, 0, 0, 0, 0))
                  ) - 1
                ) + 1,
                7
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
                              DATEADD(DAY, value, TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0)),
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
                            DAY,
                            TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0),
                            DATEADD(DAY, '7', TIMESTAMP_FROM_PARTS(2025, 12, 29, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        7
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
                              DATEADD(DAY, value, TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0)),
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
                            DAY,
                            TIMESTAMP_FROM_PARTS(2024, 12, 30, 0, 0, 0, 0),
                            DATEADD(DAY, '7', TIMESTAMP_FROM_PARTS(2025, 12, 29, 0, 0, 0, 0))
                          ) - 1
                        ) + 1,
                        7
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
        "t0"."ordered_at" <= DATE_FROM_PARTS(2025, 12, 31)
        AND "t0"."ordered_at" >= DATE_FROM_PARTS(2024, 12, 30)
        AND (
          (
            "t0"."ordered_at" < DATE_FROM_PARTS(2024, 12, 30)
          )
          OR (
            "t0"."ordered_at" >= DATE_FROM_PARTS(2025, 1, 1)
          )
        )
    ) AS "t1"
    GROUP BY
      1
  ) AS "t5"
    ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
) AS "t7"
WHERE
  "t7"."period" >= DATE_FROM_PARTS(2024, 12, 30)
ORDER BY
  "t7"."period" ASC
