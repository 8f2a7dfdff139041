WITH `_kpilot_source_orders` AS (
  SELECT
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
), `_kpilot_source_ads` AS (
  SELECT
    SUM(`t1`.`cost`) AS `ads__cost`
  FROM (
    SELECT
      *
    FROM `ads` AS `t0`
    WHERE
      `t0`.`day` <= MAKE_DATE(2025, 12, 31) AND `t0`.`day` >= MAKE_DATE(2025, 1, 1)
  ) AS `t1`
), `_kpilot_frame` AS (
  SELECT
    COALESCE(CAST(`s0`.`orders__revenue` AS DOUBLE), 0) AS `orders__revenue`,
    COALESCE(`s0`.`orders__orders`, 0) AS `orders__orders`,
    COALESCE(`s1`.`ads__cost`, 0) AS `ads__cost`
  FROM `_kpilot_source_orders` AS `s0`
  CROSS JOIN `_kpilot_source_ads` AS `s1`
)
SELECT
  `t0`.`orders__revenue` / NULLIF(CAST(`t0`.`orders__orders` AS DOUBLE), 0) AS `aov`,
  `t0`.`orders__revenue` / NULLIF(`t0`.`ads__cost`, 0) AS `roas`
FROM `_kpilot_frame` AS `t0`
