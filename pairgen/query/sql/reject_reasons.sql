-- Why did source rows not become pairs? Reject reasons per source/config/split, with one
-- example detail for each reason.
SELECT source, config, split, reason,
       count(*) AS rows,
       any_value(detail) AS example_detail
FROM rejects
GROUP BY ALL
ORDER BY source, config, split, rows DESC;
