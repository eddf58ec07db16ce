"""The Python entry point: `KnowledgeGraph.build / load / neo4j`, then the query helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.query.access import GraphAccess
from kg.query.embedded import NetworkxAccess
from kg.query.engine import QueryEngine
from kg.query.results import EntityResult, PaperAnswer, PaperResult

if TYPE_CHECKING:  # the pipeline imports spaCy, the record models pydantic; queries should not pay for that
    from kg.analytics.analysis import Analysis
    from kg.analytics.trends import Rising, Trend
    from kg.ingest import IngestReport
    from kg.models import Paper, PaperExtraction
    from kg.pipeline import RecordSpool


class KnowledgeGraph:
    """A built graph, embedded (networkx) or in Neo4j, with one query API over both."""

    def __init__(
        self,
        access: GraphAccess,
        *,
        graph: nx.MultiDiGraph | None = None,
        papers: list[Paper] | None = None,
        extractions: list[PaperExtraction] | None = None,
        closer: Any = None,
    ) -> None:
        self._access = access
        self._engine = QueryEngine(access)
        self.graph = graph
        self._papers = papers
        self._extractions = extractions
        self._records_path: Path | None = None
        self._spools: tuple[RecordSpool[Paper], RecordSpool[PaperExtraction]] | None = None
        self._closer = closer
        self.ingest_report: IngestReport | None = None  # set by build(): what reading the inputs found

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_graph(
        cls,
        graph: nx.MultiDiGraph,
        papers: list[Paper] | None = None,
        extractions: list[PaperExtraction] | None = None,
    ) -> "KnowledgeGraph":
        """Wrap an in-memory graph."""
        return cls(NetworkxAccess(graph), graph=graph, papers=papers, extractions=extractions)

    @classmethod
    def build(
        cls,
        inputs: Sequence[str | Path],
        *,
        format: str | None = None,
        strict: bool = False,
        column_map: Mapping[str, str] | None = None,
        model: str | Path | None = None,
        processes: int = 1,
        progress: bool = False,
        vocab: str | Path | None = None,
    ) -> "KnowledgeGraph":
        """Read the inputs, extract, resolve, link to the ML vocabulary and build the embedded graph.

        `vocab` is a user vocabulary file (docs/vocabulary.md) extending or overriding the shipped one.
        IngestError when the inputs hold no paper at all; `ingest_report` on the result says what was
        read and which records were bad (file and line).
        """
        from kg.extract import Extractor
        from kg.ingest import IngestReport, read_papers
        from kg.ingest.report import require_papers
        from kg.pipeline import build, drain
        from kg.vocab import load_index

        report = IngestReport()
        index = load_index(vocab)  # first: a bad vocabulary file fails before any extraction
        papers = list(read_papers(list(inputs), format=format, strict=strict, column_map=column_map, report=report))
        require_papers(report, list(inputs), None)  # an empty graph saved over a good one would lose it
        graph, paper_spool, extraction_spool = build(
            drain(papers), extractor=Extractor(model, n_process=processes, vocab_file=vocab), progress=progress,
            total=len(papers), vocab=index,
        )
        kg_ = cls.from_graph(graph)
        kg_.ingest_report = report
        # The records stay on disk until asked for (save, or the papers / extractions properties).
        kg_._spools = (paper_spool, extraction_spool)
        return kg_

    @classmethod
    def load(cls, path: str | Path, *, snapshot: bool = False) -> "KnowledgeGraph":
        """Open a graph file written by `save` or `kg build` (snapshot: through its binary snapshot in the
        user's cache folder, written on the first load; kg.graph.snapshot)."""
        from kg.graph.store import load_graph_stored

        # The paper and extraction records in the file are parsed only when asked for (save, update):
        # as pydantic objects they take several times the graph's memory at 100k papers.
        graph, stored = load_graph_stored(path, snapshot=snapshot)
        kg_ = cls(NetworkxAccess(graph, stored), graph=graph)
        kg_._records_path = Path(path)
        return kg_

    @classmethod
    def neo4j(
        cls,
        uri: str | None = None,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
    ) -> "KnowledgeGraph":
        """Query a graph loaded into Neo4j (settings fall back to NEO4J_* environment variables)."""
        from kg.neo4j.settings import Neo4jSettings, connect
        from kg.query.neo4j_backend import Neo4jAccess

        settings = Neo4jSettings.resolve(uri=uri, auth=auth, database=database)
        driver = connect(settings)
        return cls(Neo4jAccess(driver, settings.database), closer=driver)

    # -- records -------------------------------------------------------------------------------
    def _load_records(self) -> None:
        from kg.graph.store import read_records

        papers: list[Paper] = []
        extractions: list[PaperExtraction] = []
        if self._spools is not None:
            papers, extractions = list(self._spools[0]), list(self._spools[1])
        elif self._records_path is not None:
            papers, extractions = read_records(self._records_path)
        self._papers = self._papers if self._papers is not None else papers
        self._extractions = self._extractions if self._extractions is not None else extractions

    @property
    def papers(self) -> list[Paper]:
        """The paper records the graph was built from (read from the graph file on first use)."""
        if self._papers is None:
            self._load_records()
        return self._papers or []

    @property
    def extractions(self) -> list[PaperExtraction]:
        """The per-paper extractions the graph was built from (read from the graph file on first use)."""
        if self._extractions is None:
            self._load_records()
        return self._extractions or []

    # -- persistence -----------------------------------------------------------------------------
    def _require_graph(self) -> nx.MultiDiGraph:
        if self.graph is None:
            raise RuntimeError("this KnowledgeGraph lives in Neo4j; save/export need an embedded graph")
        return self.graph

    def save(self, path: str | Path) -> Path:
        """Write the embedded graph (with what `update` needs) to a .json.gz file."""
        from kg.graph.store import save_graph

        graph = self._require_graph()
        if self._spools is not None and self._papers is None and self._extractions is None:
            return save_graph(graph, path, papers=self._spools[0].lines(), extractions=self._spools[1].lines())
        return save_graph(graph, path, papers=self.papers, extractions=self.extractions)

    def export(self, fmt: str, path: str | Path) -> Path:
        """Export as graphml, json or neo4j-import (CSV folder)."""
        from kg.graph.export import export_graph

        return export_graph(self._require_graph(), fmt, path)

    def close(self) -> None:
        """Release the Neo4j connection, if any."""
        if self._closer is not None:
            self._closer.close()
            self._closer = None

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.graph is not None:
            papers = sum(1 for _, label in self.graph.nodes(data="label") if label == "Paper")
            return (
                f"<KnowledgeGraph embedded: {papers} papers, {self.graph.number_of_nodes()} nodes, "
                f"{self.graph.number_of_edges()} relationships>"
            )
        return f"<KnowledgeGraph neo4j: database {getattr(self._access, 'database', '?')!r}>"

    # -- queries ---------------------------------------------------------------------------------
    def papers_using(self, x: str, task: str | None = None, *, limit: int = 20) -> list[PaperResult]:
        """Papers that use X (or anything that IS_A X), optionally for task Y; linked sentences first."""
        return self._engine.papers_using(x, task, limit=limit)

    def answer_papers_using(self, x: str, task: str, *, limit: int = 20) -> PaperAnswer:
        """papers_using(x, task) with the name-resolution trace and, when empty, the reason."""
        return self._engine.answer_papers_using(x, task, limit=limit)

    def paper_texts(self) -> list[tuple[str, str]]:
        """(title, abstract) of every paper, sorted by id."""
        return [v for _, v in sorted(self._access.paper_texts(None).items())]

    def papers_proposing(self, x: str, *, limit: int = 20) -> list[PaperResult]:
        """Papers that introduce X."""
        return self._engine.papers_proposing(x, limit=limit)

    def methods_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Methods used for a task."""
        return self._engine.methods_for(task, limit=limit)

    def datasets_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Datasets used for a task."""
        return self._engine.datasets_for(task, limit=limit)

    def tasks_for(self, method: str, *, limit: int = 20) -> list[EntityResult]:
        """Tasks a method is used for."""
        return self._engine.tasks_for(method, limit=limit)

    def related_papers(self, paper_id: str, *, limit: int = 10) -> list[PaperResult]:
        """Papers related to a paper by shared entities and citations."""
        return self._engine.related_papers(paper_id, limit=limit)

    def lookup(self, name: str, label: str | None = None) -> list[EntityResult]:
        """Entities known by this name through any alias."""
        return self._engine.lookup(name, label)

    def stats(self, *, top: int = 50) -> dict:
        """Node and relationship counts, extraction coverage, and the `top` most mentioned offered entities per label."""
        return self._engine.stats(top=top)

    # -- the field: trends, fronts, a picture (embedded graphs) ----------------------------------------
    def trends(self, names: Sequence[str], *, label: str | Sequence[str] | None = None) -> list[Trend]:
        """Papers per year for each name, counting its aliases and IS_A family as queries do."""
        from kg.analytics.trends import trend

        graph, labels = self._require_graph(), _label_tuple(label)
        return [trend(graph, self._engine, name, labels) for name in names]

    def rising(
        self, *, label: str | Sequence[str] | None = None, since: int | None = None, limit: int = 20
    ) -> list[Rising]:
        """Offered entities whose yearly share of papers bursts (Kleinberg) from `since` on, strongest first."""
        from kg.analytics.trends import rising

        return rising(self._require_graph(), _label_tuple(label), since=since, limit=limit)

    def analyze(self, *, seed: int = 0) -> Analysis:
        """Centrality and research fronts, stored on the nodes (`save` keeps them; `kg load` carries them)."""
        from kg.analytics.analysis import analyze

        return analyze(self._require_graph(), seed=seed)

    def view(self, name: str | None = None, path: str | Path = "view.html", *, max_nodes: int = 500) -> Path:
        """Write a self-contained HTML view: the map of fronts, or the neighbourhood of an entity or paper."""
        from kg.view.data import view_data
        from kg.view.page import write_page

        return write_page(view_data(self._require_graph(), self._engine, name, max_nodes=max_nodes), path)


def _label_tuple(label: str | Sequence[str] | None) -> tuple[str, ...]:
    """Labels as a tuple (None: every entity label), each checked against the schema."""
    from kg.graph.schema import ENTITY_NODE_LABELS, check_label

    if label is None:
        return tuple(ENTITY_NODE_LABELS.values())
    labels = (label,) if isinstance(label, str) else tuple(label)
    return tuple(check_label(l) for l in labels)


def to_records(results: Sequence[PaperResult | EntityResult]) -> list[dict[str, Any]]:
    """Query results as plain dicts, one per answer: `pandas.DataFrame(to_records(g.papers_using("GAN")))`."""
    return [r.model_dump() for r in results]
