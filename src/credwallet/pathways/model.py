"""The pathway model: a named goal and a tree of requirements.

One model serves hand-written files (TOML/YAML/JSON), CTDL imports and CLR-derived
pathways; it is stored in the wallet as `model_dump(mode="json")` and re-validated on load.
Every model forbids unknown fields so a typo in a hand-written file is an error, not a
silently ignored rule.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

PATHWAY_SCHEMA = "credwallet.pathway/1"
NAME_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
MAX_TREE_DEPTH = 16  # requirement levels; deeper trees are refused, not half-evaluated

Years = Annotated[float, Field(gt=0, le=200)]
Credits = Annotated[float, Field(ge=0, le=1_000_000)]


class _Strict(BaseModel):
    # Numbers where text is expected (YAML `version: 2026`) are read as text.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, coerce_numbers_to_str=True)


class _Node(_Strict):
    id: str | None = Field(None, description="Stable id of this requirement (generated if absent).")
    title: str | None = Field(None, description="Short human label.")
    description: str | None = None
    criteria_url: str | None = Field(None, description="Where to learn how to earn it.")


class AlignmentMatch(_Strict):
    """Matches a credential aligned to a framework item (code + framework) or a URL."""

    target_code: str | None = None
    target_framework: str | None = None
    target_url: str | None = None

    @model_validator(mode="after")
    def _needs_code_or_url(self) -> AlignmentMatch:
        if not self.target_code and not self.target_url:
            raise ValueError("alignment needs target_code (optionally with target_framework) "
                             "or target_url")
        return self


# Leaf criteria; every criterion given must hold (AND). Order here is the order in which
# they are documented.
CRITERIA = (
    "achievement_id", "related_to", "ctid", "alignment", "name", "name_pattern",
    "name_regex", "issuer_id", "issuer_name", "achievement_type", "tag",
)


class CredentialRequirement(_Node):
    """A leaf: one held, counting credential that matches every criterion given."""

    type: Literal["credential"] = "credential"
    achievement_id: str | list[str] | None = Field(
        None, description="Achievement (OB 3.0) or BadgeClass (OB 2.0) id; a list means any.")
    related_to: str | None = Field(
        None, description="Achievement id: matches it or any achievement listing it in `related`.")
    ctid: str | None = Field(
        None, description="CTDL CTID (ce-...) or registry URI the credential is aligned to.")
    alignment: AlignmentMatch | None = None
    name: str | None = Field(None, description="Exact achievement or credential name "
                             "(case-insensitive).")
    name_pattern: str | None = Field(None, description="Glob on the name, e.g. 'SQL*'.")
    name_regex: str | None = Field(None, description="Regular expression searched in the name.")
    issuer_id: str | None = Field(None, description="The issuer's id (a DID or URL).")
    issuer_name: str | None = Field(
        None, description="Label shown for issuer_id; never matched: a requirement with "
        "issuer_name and no issuer_id is refused (any key can call itself by any name).")
    achievement_type: str | None = Field(None, description="e.g. Badge, Certificate, Course.")
    tag: str | None = Field(None, description="Tag / keyword (case-insensitive).")
    credits: Credits | None = Field(
        None, description="Credits assigned when the credential states none.")
    count_expired: bool | None = Field(None, description="Overrides the pathway setting.")
    valid_within_years: Years | None = Field(None, description="Issued at most this long ago.")

    @model_validator(mode="after")
    def _has_criterion(self) -> CredentialRequirement:
        if not any(getattr(self, c) not in (None, [], "") for c in CRITERIA):
            raise ValueError("a credential requirement needs at least one of: "
                             + ", ".join(CRITERIA) + " (otherwise it can match nothing)")
        if isinstance(self.achievement_id, list) and not self.achievement_id:
            raise ValueError("achievement_id list is empty")
        if self.name_regex is not None:
            from credwallet.pathways.saferegex import UnsafeRegex, check_regex

            try:
                check_regex(self.name_regex)
            except UnsafeRegex as exc:
                raise ValueError(f"name_regex is refused: {exc}") from None
        return self

    def criteria(self) -> dict[str, Any]:
        """The matching criteria only (used as a cache key and for descriptions)."""
        out: dict[str, Any] = {}
        for c in CRITERIA:
            v = getattr(self, c)
            if v not in (None, [], ""):
                out[c] = v.model_dump() if isinstance(v, BaseModel) else v
        return out


class PathwayRequirement(_Node):
    """Another pathway being complete (stacks of stacks)."""

    type: Literal["pathway"] = "pathway"
    pathway: str = Field(pattern=NAME_RE, description="Name of the pathway that must be complete.")
    credits: Credits | None = Field(
        None, description="Credits the completed pathway is worth inside a credits group.")


class AllOf(_Node):
    type: Literal["all"]
    of: list[Requirement] = Field(min_length=1)
    allow_reuse: bool = Field(False, description="May one credential satisfy several children?")


class AtLeast(_Node):
    type: Literal["at_least"]
    count: int = Field(ge=1, le=10_000)
    of: list[Requirement] = Field(min_length=1)
    allow_reuse: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> AtLeast:
        if self.count > len(self.of):
            raise ValueError(f"count {self.count} is more than the {len(self.of)} requirements "
                             "listed, so it can never be satisfied")
        return self


class CreditSum(_Node):
    """At least `credits` credits from the credentials matching any child (each counted once)."""

    type: Literal["credits"]
    credits: Credits = Field(gt=0)
    of: list[Requirement] = Field(min_length=1)


def _requirement_kind(v: Any) -> str:
    if isinstance(v, dict):
        t = v.get("type")
        if t is None:
            return "pathway" if "pathway" in v else "credential"
        return str(t)
    return str(getattr(v, "type", "credential"))


Requirement = Annotated[
    Annotated[CredentialRequirement, Tag("credential")]
    | Annotated[PathwayRequirement, Tag("pathway")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AtLeast, Tag("at_least")]
    | Annotated[CreditSum, Tag("credits")],
    Discriminator(_requirement_kind),
]
Group = AllOf | AtLeast | CreditSum
KIND_TAGS = ("credential", "pathway", "all", "at_least", "credits")


class Provider(_Strict):
    id: str | None = None
    name: str | None = None
    url: str | None = None


class Origin(_Strict):
    """Where a pathway came from (set by importers, informative only)."""

    kind: Literal["file", "url", "ctdl", "clr"]
    ref: str | None = None
    ctid: str | None = None


class Pathway(_Strict):
    """A stacking goal. `requirements` form an implicit all-of (or at-least-`count`-of)."""

    schema_: Literal["credwallet.pathway/1"] = Field("credwallet.pathway/1", alias="schema")
    name: str = Field(pattern=NAME_RE, description="Short unique name used on the command line.")
    title: str | None = None
    description: str | None = None
    url: str | None = None
    provider: Provider | None = None
    version: str | None = None
    count: int | None = Field(None, ge=1, description="Only this many top-level requirements.")
    count_expired: bool = Field(False, description="Do expired credentials count? (default no)")
    valid_within_years: Years | None = None
    requirements: list[Requirement] = Field(min_length=1)
    origin: Origin | None = None

    @model_validator(mode="after")
    def _check_tree(self) -> Pathway:
        if self.count is not None and self.count > len(self.requirements):
            raise ValueError(f"count {self.count} is more than the {len(self.requirements)} "
                             "requirements listed, so it can never be satisfied")
        seen: set[str] = set()

        def walk(nodes: list[Any], prefix: str, depth: int = 1) -> None:
            if depth > MAX_TREE_DEPTH:
                raise ValueError(f"requirements are nested more than {MAX_TREE_DEPTH} levels "
                                 "deep")
            for i, node in enumerate(nodes, 1):
                if node.id is None:
                    node.id = f"{prefix}{i}"
                if node.id in seen:
                    raise ValueError(f"requirement id {node.id!r} is used twice")
                seen.add(node.id)
                if isinstance(node, PathwayRequirement) and node.pathway == self.name:
                    raise ValueError(f"requirement {node.id!r} needs pathway {self.name!r} "
                                     "itself (cycle)")
                if isinstance(node, AllOf | AtLeast | CreditSum):
                    walk(node.of, f"{node.id}.", depth + 1)

        walk(self.requirements, "r")
        return self

    def display_title(self) -> str:
        return self.title or self.name

    def pathway_refs(self) -> set[str]:
        """Names of the pathways this one stacks."""
        out: set[str] = set()

        def walk(nodes: list[Any]) -> None:
            for n in nodes:
                if isinstance(n, PathwayRequirement):
                    out.add(n.pathway)
                elif isinstance(n, AllOf | AtLeast | CreditSum):
                    walk(n.of)

        walk(self.requirements)
        return out

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


AllOf.model_rebuild()
AtLeast.model_rebuild()
CreditSum.model_rebuild()
Pathway.model_rebuild()


def pathway_json_schema() -> dict[str, Any]:
    """JSON Schema of the hand-written format (docs/pathway.schema.json is generated from it)."""
    schema = Pathway.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://credwallet.example/schemas/pathway-1.json"
    schema["title"] = "credwallet pathway (credwallet.pathway/1)"
    return schema
