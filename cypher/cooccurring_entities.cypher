// Entities that appear in the same papers as a given one (any of Method, Dataset, Task, Metric),
// counted by shared papers: what a task is solved with, what a method is evaluated on, ...
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run cooccurring_entities.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($name)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (e:Method|Dataset|Task|Metric)
WHERE any(k IN qs WHERE k IN coalesce(e.keys, []) OR k = toLower(e.name)
          OR k IN [a IN coalesce(e.aliases, []) | toLower(a)])
MATCH (e)<-[:PROPOSES|USES|EVALUATES_ON|ADDRESSES|REPORTS]-(p:Paper)
      -[:PROPOSES|USES|EVALUATES_ON|ADDRESSES|REPORTS]->(o)
WHERE o <> e
WITH o, count(DISTINCT p) AS papers, collect(DISTINCT p.id)[..5] AS sample_papers
RETURN [l IN labels(o) WHERE l IN ['Method', 'Dataset', 'Task', 'Metric']][0] AS label, o.name AS name,
       papers, sample_papers
ORDER BY papers DESC, label, name
LIMIT 25;
