"""Stacking pathways: model, file formats, CTDL/CLR import, evaluation -> progress."""

from credwallet.pathways.evaluate import Evaluator, evaluate, evaluate_all
from credwallet.pathways.held import HeldCredential, held_from_stored
from credwallet.pathways.loader import load_pathway_bytes, load_pathway_file, pathway_from_dict
from credwallet.pathways.model import PATHWAY_SCHEMA, Pathway, pathway_json_schema
from credwallet.pathways.progress import PROGRESS_SCHEMA, NodeProgress, PathwayProgress

__all__ = [
    "PATHWAY_SCHEMA",
    "PROGRESS_SCHEMA",
    "Evaluator",
    "HeldCredential",
    "NodeProgress",
    "Pathway",
    "PathwayProgress",
    "evaluate",
    "evaluate_all",
    "held_from_stored",
    "load_pathway_bytes",
    "load_pathway_file",
    "pathway_from_dict",
    "pathway_json_schema",
]
