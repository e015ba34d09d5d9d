"""Result models of an evaluation, shaped for the `progress` document of docs/cli.md."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

PROGRESS_SCHEMA = "credwallet.progress/1"
State = Literal["satisfied", "partial", "missing"]


class CredRef(BaseModel):
    id: str
    name: str
    credits: float | None = None


class NotCounted(BaseModel):
    id: str
    name: str
    # expired, revoked, failed, unverified, too_old, used_elsewhere, not_needed
    status: str
    reason: str


class CreditsProgress(BaseModel):
    earned: float
    required: float


class NodeProgress(BaseModel):
    id: str
    type: str  # credential, pathway, all, at_least, credits
    title: str
    satisfied: bool
    state: State
    progress: float = Field(ge=0, le=1)
    matched_by: list[str] = Field(default_factory=list)
    matched: list[CredRef] = Field(default_factory=list)
    not_counted: list[NotCounted] = Field(default_factory=list)
    required: int | None = None  # groups: how many children must be satisfied
    satisfied_count: int | None = None
    credits: CreditsProgress | None = None
    criteria_url: str | None = None
    description: str | None = None
    pathway: str | None = None  # pathway requirements: the stacked pathway's name
    problem: str | None = None  # cycle, unknown pathway, ...
    requirements: list[NodeProgress] = Field(default_factory=list)


class NextStep(BaseModel):
    requirement: str
    text: str
    url: str | None = None


class PathwayProgress(BaseModel):
    name: str
    title: str
    description: str | None = None
    url: str | None = None
    complete: bool
    satisfied: int
    required: int
    progress: float
    credits: CreditsProgress | None = None
    requirements: list[NodeProgress]
    next_steps: list[NextStep] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)

    def contract_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def state_of(satisfied: bool, progress: float) -> State:
    if satisfied:
        return "satisfied"
    return "partial" if progress > 0 else "missing"
