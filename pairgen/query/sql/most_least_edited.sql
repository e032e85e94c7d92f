-- Which pairs changed the most and the least? Per source, the 10 pairs with the highest
-- and the 10 with the lowest normalized edit distance, with the edited values.
WITH ranked AS (
    SELECT source, id, norm_edit_distance, levenshtein, chosen_value, rejected_value,
           row_number() OVER (PARTITION BY source ORDER BY norm_edit_distance DESC, id) AS most,
           row_number() OVER (PARTITION BY source ORDER BY norm_edit_distance ASC, id) AS least
    FROM pairs
)
SELECT source, 'most' AS edited, most AS rank, id, norm_edit_distance, levenshtein,
       chosen_value, rejected_value
FROM ranked WHERE most <= 10
UNION ALL
SELECT source, 'least', least, id, norm_edit_distance, levenshtein, chosen_value, rejected_value
FROM ranked WHERE least <= 10
ORDER BY source, edited DESC, rank;
