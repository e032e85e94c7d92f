-- How long are prompts and completions? Character lengths of chosen/rejected per
-- source/split (min, mean, p50, p95, max) and token lengths when present.
SELECT source, split,
       min(chosen_chars) AS chosen_min,
       round(avg(chosen_chars), 1) AS chosen_mean,
       median(chosen_chars) AS chosen_p50,
       quantile_disc(chosen_chars, 0.95) AS chosen_p95,
       max(chosen_chars) AS chosen_max,
       round(avg(rejected_chars), 1) AS rejected_mean,
       round(avg(chosen_tokens), 1) AS chosen_tokens_mean,
       max(chosen_tokens) AS chosen_tokens_max
FROM pairs
GROUP BY ALL
ORDER BY ALL;
