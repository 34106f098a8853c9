-- Every distinct topic tag on a recommendation, with how many recommendations carry it: the Themes page
-- maps these onto the taxonomy's topic ids ($tag_from / $tag_to of the other themes__* queries).
SELECT tag, count(*) AS recommendations
FROM (SELECT unnest(topics) AS tag FROM recommendation_status)
WHERE tag IS NOT NULL
GROUP BY tag
ORDER BY tag
