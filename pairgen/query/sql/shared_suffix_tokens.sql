-- How long is the shared continuation after the edit (what DPO drags down)?
-- Distribution of the chosen tokens after the first differing token, per source, in
-- bins of 16 tokens. Falls back to characters after the edit for builds made without
-- --tokenizer (column `unit` says which).
SELECT source,
       CASE WHEN tokens_after_first_diff IS NULL THEN 'chars' ELSE 'tokens' END AS unit,
       (coalesce(tokens_after_first_diff, chosen_chars - edit_start) // 16) * 16 AS bin,
       count(*) AS pairs
FROM pairs
GROUP BY ALL
ORDER BY source, unit, bin;
