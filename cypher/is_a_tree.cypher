// The IS_A hierarchy under an entity: everything that IS_A it, directly or transitively, with its
// depth below the root and its direct parents ("DINO-DETR" IS_A "DETR" IS_A "Transformer").
// Names match case-insensitively through the display name, aliases and normalised keys.
// Run is_a_tree.params first (its :param lines set the example values), then this query alone.
WITH toLower(trim($name)) AS q
WITH [q] + CASE WHEN q ENDS WITH 's' THEN [left(q, size(q) - 1)] ELSE [] END AS qs
MATCH (root:Method|Dataset|Task|Metric)
WHERE any(k IN qs WHERE k IN coalesce(root.keys, []) OR k = toLower(root.name)
          OR k IN [a IN coalesce(root.aliases, []) | toLower(a)])
MATCH path = (sub)-[:IS_A*0..]->(root)
WITH root, sub, min(length(path)) AS depth
RETURN root.name AS root, depth, sub.name AS entity, sub.id AS id,
       [(sub)-[:IS_A]->(parent) | parent.name] AS parents, coalesce(sub.paper_count, 0) AS papers
ORDER BY root, depth, entity;
