// Papers that use X (a method, dataset or metric, or anything that IS_A X) for task Y (or any
// sub-task of Y): the paper proposes, uses, evaluates on or reports X and addresses Y.
// A paper ranks first when one sentence supports both the use of X and the task. `evidence` is that
// sentence when there is one, else the sentence supporting the use of X.
// Names match case-insensitively through the display name, every alias and the normalised alias
// keys, and a trailing plural "s" is tried too.
// Rows are ordered before collecting, so the lists and the evidence chosen from them are the same every run.
// Run papers_using_x_for_y.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($x)) AS qx, toLower(trim($y)) AS qy
WITH [qx] + CASE WHEN qx ENDS WITH 's' THEN [left(qx, size(qx) - 1)] ELSE [] END AS xs,
     [qy] + CASE WHEN qy ENDS WITH 's' THEN [left(qy, size(qy) - 1)] ELSE [] END AS ys
MATCH (x:Method|Dataset|Metric)
WHERE any(q IN xs WHERE q IN coalesce(x.keys, []) OR q = toLower(x.name)
          OR q IN [a IN coalesce(x.aliases, []) | toLower(a)])
MATCH (p:Paper)-[u:USES|PROPOSES|EVALUATES_ON|REPORTS]->(xsub)-[:IS_A*0..]->(x)
MATCH (p)-[a:ADDRESSES]->(ysub:Task)-[:IS_A*0..]->(y:Task)
WHERE any(q IN ys WHERE q IN coalesce(y.keys, []) OR q = toLower(y.name)
          OR q IN [al IN coalesce(y.aliases, []) | toLower(al)])
WITH p, u, a, xsub, ysub ORDER BY xsub.name, type(u), u.confidence DESC, ysub.name
WITH p, collect(DISTINCT u) AS uses, collect(DISTINCT a) AS addresses,
     collect(DISTINCT xsub.name) AS used, collect(DISTINCT ysub.name) AS tasks
WITH p, used, tasks,
     reduce(acc = [], r IN uses | acc + coalesce(r.evidence, [])) AS use_evidence,
     reduce(acc = [], r IN addresses | acc + coalesce(r.evidence, [])) AS task_evidence,
     reduce(best = 0.0, r IN uses | CASE WHEN r.confidence > best THEN r.confidence ELSE best END) AS confidence
WITH p, used, tasks, use_evidence, confidence, [s IN use_evidence WHERE s IN task_evidence] AS linked
RETURN p.id AS paper, p.title AS title, p.year AS year, used, tasks,
       size(linked) > 0 AS same_sentence, coalesce(head(linked), head(use_evidence)) AS evidence,
       confidence
ORDER BY same_sentence DESC, confidence DESC, paper
LIMIT 25;
