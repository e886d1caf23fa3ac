"""Cutting an ONNX model in two at one tensor, with protobuf alone.

An ONNX model is a protobuf message. The onnx package could cut one (``onnx.utils``), but
importing it costs a process 0.6 s (it loads ml_dtypes), which a short job would pay before
its first word. A cut needs only a handful of the format's fields: they are declared here,
with their numbers from onnx.proto, and every other field of the model (weights, opsets,
attributes) passes through protobuf untouched as an unknown field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_FLOAT = 1  # onnx.TensorProto.FLOAT

_Field = descriptor_pb2.FieldDescriptorProto
_MESSAGES: dict[str, list[tuple[str, int, int, int, str]]] = {
    # message: (field, number, type, label, message type)
    "ModelProto": [("graph", 7, _Field.TYPE_MESSAGE, _Field.LABEL_OPTIONAL, "GraphProto")],
    "GraphProto": [
        ("node", 1, _Field.TYPE_MESSAGE, _Field.LABEL_REPEATED, "NodeProto"),
        ("input", 11, _Field.TYPE_MESSAGE, _Field.LABEL_REPEATED, "ValueInfoProto"),
        ("output", 12, _Field.TYPE_MESSAGE, _Field.LABEL_REPEATED, "ValueInfoProto"),
    ],
    "NodeProto": [
        ("input", 1, _Field.TYPE_STRING, _Field.LABEL_REPEATED, ""),
        ("output", 2, _Field.TYPE_STRING, _Field.LABEL_REPEATED, ""),
        ("op_type", 4, _Field.TYPE_STRING, _Field.LABEL_OPTIONAL, ""),
    ],
    "ValueInfoProto": [
        ("name", 1, _Field.TYPE_STRING, _Field.LABEL_OPTIONAL, ""),
        ("type", 2, _Field.TYPE_MESSAGE, _Field.LABEL_OPTIONAL, "TypeProto"),
    ],
    "TypeProto": [("tensor_type", 1, _Field.TYPE_MESSAGE, _Field.LABEL_OPTIONAL, "Tensor")],
    "Tensor": [
        ("elem_type", 1, _Field.TYPE_INT32, _Field.LABEL_OPTIONAL, ""),
        ("shape", 2, _Field.TYPE_MESSAGE, _Field.LABEL_OPTIONAL, "TensorShapeProto"),
    ],
    "TensorShapeProto": [("dim", 1, _Field.TYPE_MESSAGE, _Field.LABEL_REPEATED, "Dimension")],
    "Dimension": [
        ("dim_value", 1, _Field.TYPE_INT64, _Field.LABEL_OPTIONAL, ""),
        ("dim_param", 2, _Field.TYPE_STRING, _Field.LABEL_OPTIONAL, ""),
    ],
}
_PACKAGE = "jamak.onnx_subset"


@dataclass(frozen=True, slots=True)
class Halves:
    """A model cut at ``tensor``: ``before`` computes it from the model's inputs, ``after``
    computes the model's outputs from it and the inputs the rest still reads. Both are
    serialised models, for ``onnxruntime.InferenceSession``."""

    before: bytes
    after: bytes
    tensor: str


def cut_before(model: bytes, op_type: str, shape: tuple[int | str, ...]) -> Halves:
    """``model`` cut at the first input of its one node of ``op_type``, a float tensor of
    ``shape`` (names for sizes that vary). The graph's nodes are in an order in which each
    comes after those it reads (as ONNX requires), so the cut is a place in that order: it
    must leave nothing after it reading a tensor made before it other than the cut one."""
    classes = _classes()
    whole = classes["ModelProto"].FromString(model)
    nodes = list(whole.graph.node)
    places = [i for i, node in enumerate(nodes) if node.op_type == op_type]
    if len(places) != 1:
        raise ValueError(f"the model has {len(places)} {op_type} nodes, not one")
    place = places[0]
    tensor = nodes[place].input[0]
    made_before = {name for node in nodes[:place] for name in node.output}
    read_after = {name for node in nodes[place:] for name in node.input}
    read_after |= {value.name for value in whole.graph.output}
    if made_before & read_after != {tensor}:
        raise ValueError(f"the model can't be cut before its {op_type} alone")
    cut = classes["ValueInfoProto"](name=tensor)
    cut.type.tensor_type.elem_type = _FLOAT
    for size in shape:
        dim = cut.type.tensor_type.shape.dim.add()
        if isinstance(size, int):
            dim.dim_value = size
        else:
            dim.dim_param = size

    before = classes["ModelProto"]()
    before.CopyFrom(whole)
    del before.graph.node[place:]
    del before.graph.output[:]
    before.graph.output.append(cut)
    made_before_inputs = {name for node in nodes[:place] for name in node.input}
    _keep_inputs(before.graph, made_before_inputs)

    after = classes["ModelProto"]()
    after.CopyFrom(whole)
    del after.graph.node[:place]
    _keep_inputs(after.graph, read_after)
    after.graph.input.insert(0, cut)
    return Halves(before.SerializeToString(), after.SerializeToString(), tensor)


def _keep_inputs(graph: Any, read: set[str]) -> None:
    kept = [value for value in graph.input if value.name in read]
    del graph.input[:]
    graph.input.extend(kept)


def _classes() -> dict[str, Any]:
    """The subset's message classes, in a pool of their own (so no other protobuf user's
    ONNX declarations can clash with them)."""
    file = descriptor_pb2.FileDescriptorProto(name="jamak_onnx_subset.proto", package=_PACKAGE)
    file.syntax = "proto2"
    for message, fields in _MESSAGES.items():
        declared = file.message_type.add(name=message)
        for name, number, kind, label, type_name in fields:
            field = declared.field.add(name=name, number=number, type=kind, label=label)
            if type_name:
                field.type_name = f".{_PACKAGE}.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {
        message: message_factory.GetMessageClass(
            pool.FindMessageTypeByName(f"{_PACKAGE}.{message}")
        )
        for message in _MESSAGES
    }
