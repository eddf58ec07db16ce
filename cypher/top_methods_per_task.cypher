// The most used methods of every task: for each task, the $per_task methods that most papers
// addressing it use or propose (ties by name); tasks with more papers first.
// :param per_task => 3
MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Method)
WITH t, m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name
WITH t, collect(m.name)[..$per_task] AS methods, collect(papers)[..$per_task] AS counts
UNWIND range(0, size(methods) - 1) AS i
RETURN t.name AS task, coalesce(t.paper_count, 0) AS task_papers, i + 1 AS rank,
       methods[i] AS method, counts[i] AS papers
ORDER BY task_papers DESC, task, rank
LIMIT 300
