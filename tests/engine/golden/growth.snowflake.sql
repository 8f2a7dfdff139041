SELECT
  *
FROM (
  SELECT
    "t8"."period",
    (
      "t8"."_kpilot_arg_0" / NULLIF(LAG("t8"."_kpilot_arg_0", 1) OVER (ORDER BY "t8"."period" ASC), 0)
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
                                  DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0)),
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
                                TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0),
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
                          DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0)),
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
                        TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0),
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
                                  DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0)),
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
                                TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0),
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
                                  DATEADD(MONTH, value, TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0)),
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
                                TIMESTAMP_FROM_PARTS(2024, 12, 1, 0, 0, 0, 0),
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
        ) AS "t2"
      ) AS "t6"
      LEFT OUTER JOIN (
        SELECT
          DATE_TRUNC('MONTH', "t1"."ordered_at") AS "period",
          SUM(IFF("t1"."status" = 'paid', "t1"."amount", NULL)) AS "orders__revenue"
        FROM (
          SELECT
            *
          FROM "orders" AS "t0"
          WHERE
            "t0"."ordered_at" <= DATE_FROM_PARTS(2025, 12, 31)
            AND "t0"."ordered_at" >= DATE_FROM_PARTS(2024, 12, 1)
        ) AS "t1"
        GROUP BY
          1
      ) AS "t5"
        ON "t6"."period" IS NOT DISTINCT FROM "t5"."period"
    ) AS "t7"
  ) AS "t8"
) AS "t9"
WHERE
  "t9"."period" >= DATE_FROM_PARTS(2025, 1, 1)
ORDER BY
  "t9"."period" ASC
