-- How minimal are the pairs? Histogram of the normalized edit distance
-- (levenshtein / length of the longer completion) per source, in bins of width 0.01
-- (bin = lower edge; 1.0 falls in the last bin). Only non-empty bins are listed.
SELECT source,
       least(floor(norm_edit_distance * 100), 99) / 100 AS bin,
       count(*) AS pairs,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY source), 2) AS pct
FROM pairs
GROUP BY 1, 2
ORDER BY source, bin;
