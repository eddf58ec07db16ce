"""Neo4j Browser material shipped with the package: the guide, the style and the saved queries.

`guide.html` (slides with runnable blocks, `:play`), `style.grass` (`:style`) and `cypher/` (the saved
queries, NAME.params + NAME.cypher) are package data, so an installed `kg` serves them too:
`kg neo4j guide` runs `serve.make_server` on this folder.
"""

from pathlib import Path

BROWSER_DIR = Path(__file__).resolve().parent
GUIDE = BROWSER_DIR / "guide.html"
STYLE = BROWSER_DIR / "style.grass"
CYPHER_DIR = BROWSER_DIR / "cypher"
