-- Where in the chosen completion does the edit happen? Relative position of the first
-- difference (0 = first character, 1 = end), per source, in 10 bins; token position when
-- the build has token statistics, else character position.
SELECT source,
       least(floor(10 * coalesce(first_diff_token / nullif(chosen_tokens, 0),
                                 edit_start / nullif(chosen_chars, 0))), 9) / 10 AS bin,
       count(*) AS pairs
FROM pairs
GROUP BY ALL
ORDER BY source, bin;
