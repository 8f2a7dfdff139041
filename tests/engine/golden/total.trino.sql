SELECT
  CAST("t8"."orders__revenue" AS DOUBLE) / NULLIF(CAST("t8"."orders__orders" AS DOUBLE), 0) AS "aov",
  CAST("t8"."orders__revenue" AS DOUBLE) / NULLIF("t8"."ads__cost", 0) AS "roas"
FROM (
  SELECT
    COALESCE(CAST("t7"."orders__revenue" AS DOUBLE), 0) AS "orders__revenue",
    COALESCE("t7"."orders__orders", 0) AS "orders__orders",
    COALESCE("t6"."ads__cost", 0) AS "ads__cost"
  FROM (
    SELECT
      SUM("t2"."amount") FILTER(WHERE
        "t2"."status" = 'paid') AS "orders__revenue",
      COUNT(*) FILTER(WHERE
        "t2"."status" = 'paid') AS "orders__orders"
    FROM (
      SELECT
        *
      FROM "orders" AS "t0"
      WHERE
        "t0"."ordered_at" <= FROM_ISO8601_DATE('2025-12-31')
        AND "t0"."ordered_at" >= FROM_ISO8601_DATE('2025-01-01')
    ) AS "t2"
  ) AS "t7"
  CROSS JOIN (
    SELECT
      SUM("t3"."cost") AS "ads__cost"
    FROM (
      SELECT
        *
      FROM "ads" AS "t1"
      WHERE
        "t1"."day" <= FROM_ISO8601_DATE('2025-12-31')
        AND "t1"."day" >= FROM_ISO8601_DATE('2025-01-01')
    ) AS "t3"
  ) AS "t6"
) AS "t8"
