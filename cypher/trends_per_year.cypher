// Papers per year for an entity of any label (its aliases, case and IS_A family included), with all
// papers of that year and the share: the trend `kg trends NAME` prints.
// Run trends_per_year.params first (its :param line sets the example value), then this query alone.
WITH toLower(trim($name)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Task OR e:Metric)
  AND any(k IN qs WHERE k IN coalesce(e.keys, []) OR k = toLower(e.name)
          OR k IN [a IN coalesce(e.aliases, []) | toLower(a)])
MATCH (p:Paper)-[:PROPOSES|USES|EVALUATES_ON|ADDRESSES|REPORTS]->(sub)-[:IS_A*0..]->(e)
WHERE p.year IS NOT NULL
WITH p.year AS year, count(DISTINCT p) AS papers
WITH year, papers, COUNT { MATCH (other:Paper) WHERE other.year = year } AS all_papers
RETURN year, papers, all_papers, round(toFloat(papers) / all_papers, 4) AS share
ORDER BY year;
