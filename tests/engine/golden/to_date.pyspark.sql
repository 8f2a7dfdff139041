WITH `_kpilot_source_orders` AS (
  SELECT
    `t1`.`ordered_at` AS `period`,
    SUM(IF(`t1`.`status` = 'paid', `t1`.`amount`, NULL)) AS `orders__revenue`
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
            INTERVAL '1' DAY <> INTERVAL 0 day
          )
          AND (
            SIGN(INTERVAL '1' DAY) = SIGN(
              (
                CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY
              ) - CAST('2025-01-01T00:00:00' AS TIMESTAMP)
            )
          ),
          IF(
            ELEMENT_AT(
              SEQUENCE(
                CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                CAST(CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY AS TIMESTAMP),
                INTERVAL '1' DAY
              ),
              SIZE(
                SEQUENCE(
                  CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                  CAST(CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY AS TIMESTAMP),
                  INTERVAL '1' DAY
                )
              )
            ) = (
              CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY
            ),
            SLICE(
              SEQUENCE(
                CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                CAST(CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY AS TIMESTAMP),
                INTERVAL '1' DAY
              ),
              1,
              SIZE(
                SEQUENCE(
                  CAST('2025-01-01T00:00:00' AS TIMESTAMP),
                  CAST(CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY AS TIMESTAMP),
                  INTERVAL '1' DAY
                )
              ) - 1
            ),
            SEQUENCE(
              CAST('2025-01-01T00:00:00' AS TIMESTAMP),
              CAST(CAST('2025-12-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY AS TIMESTAMP),
              INTERVAL '1' DAY
            )
          ),
          ARRAY()
        )
      ) AS `period`
  ) AS `t0`
), `_kpilot_frame` AS (
  SELECT
    `r`.`period`,
    COALESCE(CAST(`s0`.`orders__revenue` AS DOUBLE), 0) AS `orders__revenue`
  FROM `_kpilot_rows` AS `r`
  LEFT JOIN `_kpilot_source_orders` AS `s0`
    ON `r`.`period` IS NOT DISTINCT FROM `s0`.`period`
)
SELECT
  *
FROM (
  SELECT
    `t1`.`period`,
    SUM(`t1`.`orders__revenue`) OVER (
      PARTITION BY `t1`.`_kpilot_to_date_month`
      ORDER BY `t1`.`period` ASC NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS `revenue_mtd`
  FROM (
    SELECT
      `t0`.`period`,
      `t0`.`orders__revenue`,
      DATE_TRUNC('month', `t0`.`period`) AS `_kpilot_to_date_month`
    FROM `_kpilot_frame` AS `t0`
  ) AS `t1`
) AS `t2`
WHERE
  `t2`.`period` >= MAKE_DATE(2025, 1, 1)
ORDER BY
  `t2`.`period` ASC NULLS LAST
