// The most used methods of every task: for each task, the $per_task methods (1 to 100) that most
// papers addressing it use or propose (ties by name), tasks with more papers first.
// Run top_methods_per_task.params first (its :param lines set the example values), then this query alone.
WITH CASE WHEN $per_task < 1 THEN 1 WHEN $per_task > 100 THEN 100 ELSE $per_task END AS k
MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Method)
WITH k, t, m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name
WITH k, t, collect(m.name) AS methods, collect(papers) AS counts
UNWIND range(0, CASE WHEN size(methods) < k THEN size(methods) ELSE k END - 1) AS i
RETURN t.name AS task, coalesce(t.paper_count, 0) AS task_papers, i + 1 AS rank,
       methods[i] AS method, counts[i] AS papers
ORDER BY task_papers DESC, task, rank
LIMIT 300;
