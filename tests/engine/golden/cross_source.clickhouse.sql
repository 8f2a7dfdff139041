WITH "t5" AS (
  SELECT
    dateTrunc('MONTH', "t3"."day") AS "period",
    "t3"."channel" AS "channel",
    SUM("t3"."cost") AS "ads__cost"
  FROM (
    SELECT
      *
    FROM "ads" AS "t1"
    WHERE
      "t1"."day" <= toDate('2025-12-31') AND "t1"."day" >= toDate('2025-01-01')
  ) AS "t3"
  GROUP BY
    dateTrunc('MONTH', "t3"."day"),
    "t3"."channel"
), "t6" AS (
  SELECT
    dateTrunc('MONTH', "t2"."ordered_at") AS "period",
    "t2"."channel" AS "channel",
    sumIf("t2"."amount", "t2"."status" = 'paid') AS "orders__revenue"
  FROM (
    SELECT
      *
    FROM "orders" AS "t0"
    WHERE
      "t0"."ordered_at" <= toDate('2025-12-31')
      AND "t0"."ordered_at" >= toDate('2025-01-01')
  ) AS "t2"
  GROUP BY
    dateTrunc('MONTH', "t2"."ordered_at"),
    "t2"."channel"
)
SELECT
  "t18"."period" AS "period",
  "t18"."channel" AS "channel",
  "t18"."orders__revenue" / nullIf("t18"."ads__cost", 0) AS "roas"
FROM (
  SELECT
    "t11"."period" AS "period",
    "t17"."channel" AS "channel",
    COALESCE(CAST("t12"."orders__revenue" AS Nullable(Float64)), 0) AS "orders__revenue",
    COALESCE("t10"."ads__cost", 0) AS "ads__cost"
  FROM (
    SELECT
      CAST("t4"."period" AS Nullable(DATE)) AS "period"
    FROM (
      SELECT
        arrayJoin(
          arrayMap(
            offset -> DATE_ADD(MONTH, offset, parseDateTimeBestEffort('2025-01-01T00:00:00')),
            range(
              0,
              TIMESTAMPDIFF(
                'month',
                parseDateTimeBestEffort('2025-01-01T00:00:00'),
                parseDateTimeBestEffort('2025-12-01T00:00:00') + INTERVAL '1' MONTH
              ),
              1
            )
          )
        ) AS "period"
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
          "t9"."channel" AS "channel"
        FROM "t6" AS "t9"
      ) AS "t14"
      UNION DISTINCT
      SELECT
        *
      FROM (
        SELECT
          "t7"."channel" AS "channel"
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
  "t18"."period" >= toDate('2025-01-01')
ORDER BY
  "t18"."period" ASC,
  "t18"."channel" ASC
