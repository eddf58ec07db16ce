// How many papers use or propose a method (or anything that IS_A it) per year: a trend line.
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run papers_per_year_for_method.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($method)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (m:Method)
WHERE any(k IN qs WHERE k IN coalesce(m.keys, []) OR k = toLower(m.name)
          OR k IN [a IN coalesce(m.aliases, []) | toLower(a)])
MATCH (p:Paper)-[:USES|PROPOSES]->(sub:Method)-[:IS_A*0..]->(m)
WHERE p.year IS NOT NULL
WITH p.year AS year, count(DISTINCT p) AS papers, collect(DISTINCT sub.name) AS via
RETURN year, papers, via
ORDER BY year;
