"""The parsed, uniform view of a block version, whatever its origin.

Built-in manifests, manifests imported from a Roboflow describe payload and uploaded ones all reach
the rest of the system as a Roboflow ``BlockDescription`` dict (``block_schema``, ``outputs_manifest``,
``manifest_type_identifier``, ...). ``BlockSpec.from_description`` parses that dict once into frozen
dataclasses: which properties take selectors and of which kinds, which take literals, the outputs and
their kinds. The compiler, the connection graph and the docs pages all read these, never raw schemas,
so there is one interpretation of a manifest (spec sections 2.1, 3.1 and 3.5).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

WILDCARD_KIND = "*"


SelectedElement = Literal[
    "any_data", "step_output", "workflow_parameter", "workflow_image", "workflow_video_metadata", "step"
]
PointsToBatch = bool | Literal["dynamic"] | None


@dataclass(frozen=True, slots=True)
class Reference:
    """One kind of selector a property accepts."""

    selected_element: str
    kinds: tuple[str, ...]
    points_to_batch: PointsToBatch = "dynamic"


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """A manifest property: what it accepts as literal and as selectors."""

    name: str
    title: str
    description: str
    required: bool
    has_default: bool
    default: Any
    references: tuple[Reference, ...]
    is_list_element: bool
    is_dict_element: bool
    accepts_literals: bool
    schema: Mapping[str, Any]

    @property
    def takes_reference(self) -> bool:
        """The docs' Refs column: can this property be bound to a selector?"""
        return any(ref.selected_element != "step" for ref in self.references)

    @property
    def takes_step_selector(self) -> bool:
        return any(ref.selected_element == "step" for ref in self.references)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The union of kinds over the data references, in declaration order."""
        seen: dict[str, None] = {}
        for ref in self.references:
            if ref.selected_element != "step":
                for kind in ref.kinds:
                    seen.setdefault(kind, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    name: str
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """A block version as the compiler, the graph and the docs see it.

    Registry metadata (state, executable, hash) rides along with defaults so the compiler can warn
    about deprecated or non-executable versions without touching the database.
    """

    type_identifier: str
    aliases: tuple[str, ...]
    human_name: str
    short_description: str
    long_description: str
    block_type: str
    version_label: str
    search_keywords: tuple[str, ...]
    schema: Mapping[str, Any]
    properties: Mapping[str, PropertySpec]
    outputs: tuple[OutputSpec, ...]
    input_dimensionality_offsets: Mapping[str, int]
    dimensionality_reference_property: str | None
    output_dimensionality_offset: int
    # Properties that take whole batches. None means unknown (an imported block): be permissive.
    batch_properties: frozenset[str] | None = None
    state: str = "published"
    executable: bool = False
    content_hash: str = ""
    deprecation_message: str = ""
    replacement: str = ""
    sunset_date: str = ""  # ISO date after which a deprecated version is to be disabled
    source: str = "builtin"
    is_default: bool = True
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def identifiers(self) -> tuple[str, ...]:
        return (self.type_identifier, *self.aliases)

    @property
    def family(self) -> str:
        """The identifier without its version suffix: `roboflow_core/continue_if`."""
        return self.type_identifier.split("@", 1)[0]

    def output(self, name: str) -> OutputSpec | None:
        return next((out for out in self.outputs if out.name == name), None)

    def selector_properties(self) -> Iterator[PropertySpec]:
        return (prop for prop in self.properties.values() if prop.references)

    @classmethod
    def from_description(cls, description: Mapping[str, Any], **metadata: Any) -> BlockSpec:
        """Parse a Roboflow ``BlockDescription`` dict; ``metadata`` sets the registry fields."""
        schema = description["block_schema"]
        required = set(schema.get("required", []))
        properties: dict[str, PropertySpec] = {}
        for name, fragment in schema.get("properties", {}).items():
            if name == "type":
                continue
            properties[name] = _parse_property(name, fragment, name in required)
        outputs = tuple(
            OutputSpec(name=out["name"], kinds=tuple(_kind_name(k) for k in out.get("kind", [])) or ("*",))
            for out in description.get("outputs_manifest", [])
        )
        return cls(
            type_identifier=description["manifest_type_identifier"],
            aliases=tuple(description.get("manifest_type_identifier_aliases", [])),
            human_name=description.get("human_friendly_block_name") or schema.get("name", ""),
            short_description=schema.get("short_description", ""),
            long_description=schema.get("long_description", ""),
            block_type=schema.get("block_type", ""),
            version_label=schema.get("version", ""),
            search_keywords=tuple(schema.get("search_keywords", [])),
            schema=schema,
            properties=MappingProxyType(properties),
            outputs=outputs,
            input_dimensionality_offsets=MappingProxyType(dict(description.get("input_dimensionality_offsets") or {})),
            dimensionality_reference_property=description.get("dimensionality_reference_property"),
            output_dimensionality_offset=int(description.get("output_dimensionality_offset") or 0),
            **metadata,
        )


def _kind_name(kind: Any) -> str:
    return kind["name"] if isinstance(kind, Mapping) else str(kind)


def _parse_property(name: str, fragment: Mapping[str, Any], required: bool) -> PropertySpec:
    references: list[Reference] = []
    flags = {"list": False, "dict": False}
    accepts_literals = _collect(fragment, references, flags, depth=0, container=None)
    return PropertySpec(
        name=name,
        title=fragment.get("title", ""),
        description=fragment.get("description", ""),
        required=required,
        has_default="default" in fragment,
        default=fragment.get("default"),
        references=tuple(references),
        is_list_element=flags["list"],
        is_dict_element=flags["dict"],
        accepts_literals=accepts_literals,
        schema=fragment,
    )


def _collect(
    fragment: Mapping[str, Any],
    references: list[Reference],
    flags: dict[str, bool],
    depth: int,
    container: str | None,
) -> bool:
    """Gather selector references; return whether any non-selector (literal) branch exists.

    Containers count one level deep, as upstream: a selector inside a list or dict value makes the
    property a list or dict element; anything deeper is not a selector.
    """
    if fragment.get("reference") is True:
        references.append(
            Reference(
                selected_element=fragment.get("selected_element", "any_data"),
                kinds=tuple(_kind_name(k) for k in fragment.get("kind", [])) or (WILDCARD_KIND,),
                points_to_batch=fragment.get("selector_points_to_batch", "dynamic"),
            )
        )
        if container is not None:
            flags[container] = True
        return False
    branches = fragment.get("anyOf") or fragment.get("oneOf")
    if branches:
        literal = False
        for branch in branches:
            literal = _collect(branch, references, flags, depth, container) or literal
        return literal
    if fragment.get("type") == "null":
        # An optional selector is still a selector property: null means "not given", not a literal.
        return False
    # A container is literal unless its elements can only be selectors.
    if depth == 0 and isinstance(fragment.get("items"), Mapping):
        return _collect(fragment["items"], references, flags, depth + 1, "list")
    if depth == 0 and isinstance(fragment.get("additionalProperties"), Mapping):
        return _collect(fragment["additionalProperties"], references, flags, depth + 1, "dict")
    return True


@dataclass(frozen=True, slots=True)
class CatalogSnapshot:
    """An immutable catalog of block versions, passed to the compiler as an argument.

    ``version`` identifies the snapshot (the registry's graph version or a content hash) and is part
    of the compiler's cache key.
    """

    version: str
    blocks: Mapping[str, BlockSpec]
    lookup: Mapping[str, BlockSpec]
    # Disabled versions by identifier and alias: not compiled against, only named in errors.
    disabled: Mapping[str, BlockSpec] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def build(
        cls,
        specs: Iterator[BlockSpec] | list[BlockSpec] | tuple[BlockSpec, ...],
        version: str,
        disabled: Iterator[BlockSpec] | list[BlockSpec] | tuple[BlockSpec, ...] = (),
    ) -> CatalogSnapshot:
        blocks: dict[str, BlockSpec] = {}
        lookup: dict[str, BlockSpec] = {}
        for spec in specs:
            blocks[spec.type_identifier] = spec
            for identifier in spec.identifiers:
                lookup.setdefault(identifier, spec)
        # An identifier always wins over someone else's alias of the same text.
        lookup.update(blocks)
        off = {identifier: spec for spec in disabled for identifier in spec.identifiers if identifier not in lookup}
        return cls(
            version=version,
            blocks=MappingProxyType(blocks),
            lookup=MappingProxyType(lookup),
            disabled=MappingProxyType(off),
        )

    def resolve(self, identifier: str) -> BlockSpec | None:
        return self.lookup.get(identifier)

    def replacement_of(self, spec: BlockSpec) -> BlockSpec | None:
        """What to use instead of a disabled or deprecated version: its declared replacement, else
        its family's default version, else the family's newest version."""
        declared = self.lookup.get(spec.replacement) if spec.replacement else None
        if declared is not None:
            return declared
        family = [other for other in self.blocks.values() if other.family == spec.family and other is not spec]
        defaults = [other for other in family if other.is_default]
        candidates = defaults or family
        return max(candidates, key=lambda other: _version_number(other.type_identifier), default=None)


def _version_number(identifier: str) -> tuple[int, str]:
    label = identifier.rsplit("@", 1)[-1]
    digits = label.lstrip("v")
    return (int(digits), label) if digits.isdigit() else (-1, label)
