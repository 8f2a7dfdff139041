SELECT
  ieee_divide(`t8`.`orders__revenue`, NULLIF(CAST(`t8`.`orders__orders` AS FLOAT64), 0)) AS `aov`,
  ieee_divide(`t8`.`orders__revenue`, NULLIF(`t8`.`ads__cost`, 0)) AS `roas`
FROM (
  SELECT
    COALESCE(CAST(`t7`.`orders__revenue` AS FLOAT64), 0) AS `orders__revenue`,
    COALESCE(`t7`.`orders__orders`, 0) AS `orders__orders`,
    COALESCE(`t6`.`ads__cost`, 0) AS `ads__cost`
  FROM (
    SELECT
      SUM(IF(`t2`.`status` = 'paid', `t2`.`amount`, NULL)) AS `orders__revenue`,
      COUNTIF(`t2`.`status` = 'paid') AS `orders__orders`
    FROM (
      SELECT
        *
      FROM `orders` AS `t0`
      WHERE
        `t0`.`ordered_at` <= DATE(2025, 12, 31) AND `t0`.`ordered_at` >= DATE(2025, 1, 1)
    ) AS `t2`
  ) AS `t7`
  CROSS JOIN (
    SELECT
      SUM(`t3`.`cost`) AS `ads__cost`
    FROM (
      SELECT
        *
      FROM `ads` AS `t1`
      WHERE
        `t1`.`day` <= DATE(2025, 12, 31) AND `t1`.`day` >= DATE(2025, 1, 1)
    ) AS `t3`
  ) AS `t6`
) AS `t8`
