#!/usr/bin/python3
"""The LAVA side of lava/lava.sh, run inside the LAVA root with
lava-dispatcher's own libraries: render a device dictionary or a job
template, validate jobs against LAVA's schema, and read lava-run's result
lines.

  lava-helper.py device DICT TYPES_DIR OUT    dictionary -> device YAML
  lava-helper.py job TEMPLATE OUT KEY=VALUE...
  lava-helper.py schema JOB...                 LAVA's job schema, strict
  lava-helper.py results LOG                   one line a result:
                                               DEFINITION CASE RESULT
"""
import os
import sys

import jinja2
import yaml


def fail(msg):
    print(f"lava-helper: {msg}", file=sys.stderr)
    sys.exit(1)


def render(path, search, variables):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.dirname(os.path.abspath(path))] + search),
        trim_blocks=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
    try:
        text = env.get_template(os.path.basename(path)).render(**variables)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "lineno", None)
        fail(f"{getattr(exc, 'filename', None) or path}:{where or '?'}: {exc}")
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        fail(f"{path}: renders to text that is not YAML: {exc}")
    return text


def cmd_device(args):
    from lava_common.schemas import device as device_schema

    dictionary, types, out = args
    # qemu.jinja2 leaves some of its variables undefined on purpose.
    env_undefined = jinja2.Undefined
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([os.path.dirname(os.path.abspath(dictionary)), types]),
        trim_blocks=True,
        autoescape=False,
        undefined=env_undefined,
    )
    try:
        text = env.get_template(os.path.basename(dictionary)).render()
    except jinja2.TemplateError as exc:
        fail(f"{dictionary}:{getattr(exc, 'lineno', '?')}: {exc}")
    data = yaml.safe_load(text)
    try:
        device_schema.validate(data)
    except Exception as exc:  # voluptuous raises its own hierarchy
        fail(f"{dictionary}: not a valid LAVA device: {exc}")
    with open(out, "w") as f:
        f.write(text)


def cmd_job(args):
    template, out, *pairs = args
    variables = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            fail(f"job {template}: expected KEY=VALUE, got '{pair}'")
        variables[key] = value
    with open(out, "w") as f:
        f.write(render(template, [], variables))


def cmd_schema(args):
    from lava_common.schemas import validate

    bad = 0
    for path in args:
        with open(path) as f:
            data = yaml.safe_load(f)
        try:
            validate(data, strict=True)
        except Exception as exc:
            print(f"{path}: not a valid LAVA job: {exc}", file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)


class AnyTagLoader(yaml.SafeLoader):
    """lava-run's log lines carry Python tags on some values: read them
    as plain data."""


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


AnyTagLoader.add_multi_constructor("", _any_tag)


def cmd_results(args):
    (log,) = args
    with open(log, errors="replace") as f:
        for line in f:
            if '"results"' not in line and "results" not in line:
                continue
            try:
                data = yaml.load(line, Loader=AnyTagLoader)
            except yaml.YAMLError:
                continue
            if isinstance(data, list) and data:
                data = data[0]
            if not isinstance(data, dict) or data.get("lvl") != "results":
                continue
            msg = data.get("msg") or {}
            print(msg.get("definition", "?"), msg.get("case", "?"), msg.get("result", "?"))


COMMANDS = {"device": cmd_device, "job": cmd_job, "schema": cmd_schema, "results": cmd_results}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        fail("usage: lava-helper.py device|job|schema|results ...")
    COMMANDS[sys.argv[1]](sys.argv[2:])
