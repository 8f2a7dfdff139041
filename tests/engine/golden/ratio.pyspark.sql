WITH `_kpilot_source_orders` AS (
  SELECT
    DATE_TRUNC('month', `t1`.`ordered_at`) AS `period`,
    SUM(IF(`t1`.`status` = 'paid', `t1`.`amount`, NULL)) AS `orders__revenue`,
    SUM(CAST(`t1`.`status` = 'paid' AS BIGINT)) AS `orders__orders`
  FROM (
    SELECT
      *
    FROM `orders` AS `t0`
    WHERE
      `t0`.`ordered_at` <= MAKE_DATE(2025, 12, 31)
      AND `t0`.`ordered_at` >= MAKE_DATE(2025, 1, 1)
  ) AS `t1`
  GROUP BY
    1
), `_kpilot_rows` AS (
  SELECT
    CAST(`t0`.`period` AS DATE) AS `period`
  FROM (
    SELECT
      EXPLODE(
        IF(
          (
            INTERVAL '1' MONTH <> INTERVAL 0 month
          )
          AND (
            SIGN(INTERVAL '1' MONTH) = SIGN(
              (
                CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            )
          ),
          IF(
            ELEMENT_AT(
              SEQUENCE(
                CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                CAST(CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                INTERVAL '1' MONTH
              ),
              SIZE(
                SEQUENCE(
                  CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                  CAST(CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                )
              )
            ) = (
              CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH
            ),
            SLICE(
              SEQUENCE(
                CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                CAST(CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                INTERVAL '1' MONTH
              ),
              1,
              SIZE(
                SEQUENCE(
                  CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                  CAST(CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
                  INTERVAL '1' MONTH
                )
              ) - 1
            ),
            SEQUENCE(
              CAST('2025-01-01T00:00:00' AS TIMESTAMP),
              CAST(CAST('2025-12-01T00:00:00' AS TIMESTAMP) + INTERVAL '1' MONTH AS TIMESTAMP),
              INTERVAL '1' MONTH
            )
          ),
          ARRAY()
        )
      ) AS `period`
  ) AS `t0`
), `_kpilot_frame` AS (
  SELECT
    `r`.`period`,
    COALESCE(CAST(`s0`.`orders__revenue` AS DOUBLE), 0) AS `orders__revenue`,
    COALESCE(`s0`.`orders__orders`, 0) AS `orders__orders`
  FROM `_kpilot_rows` AS `r`
  LEFT JOIN `_kpilot_source_orders` AS `s0`
    ON `r`.`period` IS NOT DISTINCT FROM `s0`.`period`
)
SELECT
  `t0`.`period`,
  `t0`.`orders__revenue` / NULLIF(CAST(`t0`.`orders__orders` AS DOUBLE), 0) AS `aov`
FROM `_kpilot_frame` AS `t0`
WHERE
  `t0`.`period` >= MAKE_DATE(2025, 1, 1)
ORDER BY
  `t0`.`period` ASC NULLS LAST
